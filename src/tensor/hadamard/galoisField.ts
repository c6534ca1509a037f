/**
 * GF(q), q = p^k, small enough to tabulate (q ≤ a few hundred). Elements are indices 0..q−1: the base-p
 * digits of an index are the coefficients of a polynomial (digit i ↔ xⁱ); for k > 1 multiplication is modulo
 * the first monic irreducible polynomial found (spinquant.md §9: any irreducible polynomial works).
 */
export interface GaloisField {
  readonly q: number;
  readonly p: number;
  readonly k: number;
  sub(a: number, b: number): number;
  /** Quadratic character χ: 0 at 0, 1 on non-zero squares, −1 otherwise. */
  chi(a: number): number;
}

/** `q = p^k` with p prime, or null. */
export function primePower(q: number): { p: number; k: number } | null {
  if (!Number.isInteger(q) || q < 2) return null;
  let p = 2;
  while (p * p <= q && q % p !== 0) p++;
  if (q % p !== 0) p = q;
  let k = 0;
  let r = q;
  while (r % p === 0) {
    r /= p;
    k++;
  }
  return r === 1 ? { p, k } : null;
}

export function galoisField(q: number): GaloisField {
  const pp = primePower(q);
  if (!pp) throw new RangeError(`GF(${q}) does not exist: ${q} is not a prime power`);
  const { p, k } = pp;
  const digits = (a: number): number[] => {
    const d: number[] = [];
    for (let i = 0; i < k; i++) {
      d.push(a % p);
      a = Math.floor(a / p);
    }
    return d;
  };
  const fromDigits = (d: number[]): number => d.reduceRight((acc, x) => acc * p + x, 0);
  const sub = (a: number, b: number): number => {
    if (k === 1) return (((a - b) % p) + p) % p;
    const da = digits(a);
    const db = digits(b);
    return fromDigits(da.map((x, i) => (((x - db[i]) % p) + p) % p));
  };
  const mulMod = (a: number, b: number, poly: number[]): number => {
    // poly: the k low coefficients of a monic degree-k polynomial
    const da = digits(a);
    const db = digits(b);
    const prod = new Array<number>(2 * k - 1).fill(0);
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) prod[i + j] = (prod[i + j] + da[i] * db[j]) % p;
    for (let d = 2 * k - 2; d >= k; d--) {
      const c = prod[d];
      if (!c) continue;
      prod[d] = 0;
      for (let i = 0; i < k; i++) prod[d - k + i] = (((prod[d - k + i] - c * poly[i]) % p) + p) % p;
    }
    return fromDigits(prod.slice(0, k));
  };
  let mul: (a: number, b: number) => number;
  if (k === 1) mul = (a, b) => (a * b) % p;
  else {
    const poly = findIrreducible(p, k, mulMod);
    mul = (a, b) => mulMod(a, b, poly);
  }
  const isSquare = new Uint8Array(q);
  for (let a = 1; a < q; a++) isSquare[mul(a, a)] = 1;
  return { q, p, k, sub, chi: (a) => (a === 0 ? 0 : isSquare[a] ? 1 : -1) };
}

/** First monic degree-k polynomial (low coefficients, base-p counted) whose quotient ring has no zero divisors. */
function findIrreducible(p: number, k: number, mulMod: (a: number, b: number, poly: number[]) => number): number[] {
  const q = p ** k;
  for (let code = 1; code < q; code++) {
    const poly: number[] = [];
    let c = code;
    for (let i = 0; i < k; i++) {
      poly.push(c % p);
      c = Math.floor(c / p);
    }
    if (poly[0] === 0) continue; // divisible by x
    let field = true;
    outer: for (let a = 1; a < q; a++) for (let b = a; b < q; b++) if (mulMod(a, b, poly) === 0) {
      field = false;
      break outer;
    }
    if (field) return poly;
  }
  throw new RangeError(`no irreducible polynomial of degree ${k} over GF(${p})`);
}
