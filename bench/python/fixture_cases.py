"""Where the float64 numpy references write what the TypeScript tests compare with: test/fixtures/<name>/cases.json."""
import json
import pathlib


def write_cases(name, cases):
    """Writes `cases` as one line of JSON to test/fixtures/<name>/cases.json and prints the path."""
    path = pathlib.Path(__file__).resolve().parents[2] / "test" / "fixtures" / name / "cases.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(cases) + "\n")
    print(path)
