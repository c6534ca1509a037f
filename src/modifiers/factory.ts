/**
 * ModifierFactory (LLM Compressor `modifiers/factory.py`): three registries and a map of stored
 * errors. Lookup order and the never-cleared errors are upstream's (Q12), so a plugin export that
 * is not a Modifier shadows a valid class of the same name everywhere.
 */
import { ValueError } from '../core/errors.ts';
import { requiredOptions } from '../core/options.ts';
import { Modifier, type ModifierArgs, type ModifierClass } from './modifier.ts';

/** E20 */
export class ModifierNotFoundError extends ValueError {
  readonly code = 'E20';
  constructor(readonly modifierType: string, readonly known: readonly string[] = []) {
    super(`No modifier of type '${modifierType}' found.`);
  }
}
/** E21 */
export class NotAModifierSubclassError extends ValueError {
  readonly code = 'E21';
  constructor() {
    super('The provided class does not subclass the Modifier base class.');
  }
}
/** E22 */
export class AttributeNotATypeError extends ValueError {
  readonly code = 'E22';
  constructor(name: string) {
    super(`Attribute ${name} is not a type`);
  }
}
/** E23 */
export class AttributeNotAModifierError extends ValueError {
  readonly code = 'E23';
  constructor(name: string) {
    super(`Attribute ${name} is not a Modifier`);
  }
}
/** E24 */
export class NotATypeError extends ValueError {
  readonly code = 'E24';
  constructor() {
    super('The provided class is not a type.');
  }
}

const isClass = (v: unknown): v is new (...a: never[]) => unknown =>
  typeof v === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(v));
const isModifierClass = (v: unknown): v is ModifierClass => isClass(v) && v.prototype instanceof Modifier;

export interface CreateOptions {
  allowRegistered: boolean;
  allowExperimental: boolean;
  args?: ModifierArgs;
}

type Registry = Map<string, ModifierClass>;

const CREATE_OPTIONS_TEXT = 'an options object {allowRegistered, allowExperimental, args?}';

/** The built-in modifier modules; `refresh` scans them like upstream scans its packages. */
const builtinModules: Array<() => Record<string, unknown>> = [];
const experimentalModules: Array<() => Record<string, unknown>> = [];

/** Adds a module of built-in modifiers (called by each built-in modifier's barrel). @internal */
export function registerBuiltinModule(exports: () => Record<string, unknown>, experimental = false): void {
  (experimental ? experimentalModules : builtinModules).push(exports);
}

export class ModifierFactory {
  static #loaded = false;
  static readonly #main: Registry = new Map();
  static readonly #experimental: Registry = new Map();
  static readonly #registered: Registry = new Map();
  static readonly #errors = new Map<string, Error>();

  static get loaded(): boolean {
    return ModifierFactory.#loaded;
  }

  /** Reloads the built-in registries. Keeps registrations and stored errors (Q12). */
  static refresh(): void {
    ModifierFactory.#main.clear();
    ModifierFactory.#experimental.clear();
    for (const load of builtinModules) ModifierFactory.#scan(safeLoad(load), ModifierFactory.#main);
    for (const load of experimentalModules) ModifierFactory.#scan(safeLoad(load), ModifierFactory.#experimental);
    ModifierFactory.#loaded = true;
  }

  static register(type: string, cls: unknown): void {
    if (!isClass(cls)) throw new NotATypeError();
    if (!isModifierClass(cls)) throw new NotAModifierSubclassError();
    ModifierFactory.#registered.set(type, cls);
  }

  static create(type: string, options: CreateOptions): Modifier {
    options = requiredOptions('ModifierFactory.create', options, ['allowRegistered', 'allowExperimental', 'args'], CREATE_OPTIONS_TEXT);
    const err = ModifierFactory.#errors.get(type);
    if (err) throw err;
    const cls =
      (options.allowRegistered ? ModifierFactory.#registered.get(type) : undefined) ??
      (options.allowExperimental ? ModifierFactory.#experimental.get(type) : undefined) ??
      ModifierFactory.#main.get(type);
    if (!cls) throw new ModifierNotFoundError(type, ModifierFactory.knownTypes(options));
    return new cls(options.args ?? {});
  }

  /** The names `create` could find with these options, sorted (for error messages). */
  static knownTypes(options: Pick<CreateOptions, 'allowRegistered' | 'allowExperimental'> = { allowRegistered: true, allowExperimental: true }): string[] {
    const names = new Set(ModifierFactory.#main.keys());
    if (options.allowExperimental) for (const n of ModifierFactory.#experimental.keys()) names.add(n);
    if (options.allowRegistered) for (const n of ModifierFactory.#registered.keys()) names.add(n);
    return [...names].sort();
  }

  /**
   * Imports a plugin module and returns its valid `*Modifier` class exports (not registered:
   * that is the caller's choice). Invalid exports become stored errors (E22, E23). A module that
   * fails to import is reported and skipped.
   */
  static async loadFromModule(specifier: string): Promise<Record<string, ModifierClass>> {
    let mod: Record<string, unknown>;
    try {
      mod = (await import(specifier)) as Record<string, unknown>;
    } catch (e) {
      process.stderr.write(`warning: could not import modifier module ${specifier}: ${(e as Error).message}\n`);
      return {};
    }
    const found: Registry = new Map();
    ModifierFactory.#scan(mod, found);
    return Object.fromEntries(found);
  }

  static #scan(exports: Record<string, unknown>, into: Registry): void {
    for (const [name, value] of Object.entries(exports)) {
      if (!name.endsWith('Modifier') || into.has(name) || ModifierFactory.#errors.has(name)) continue;
      if (!isClass(value)) ModifierFactory.#errors.set(name, new AttributeNotATypeError(name));
      else if (!isModifierClass(value)) ModifierFactory.#errors.set(name, new AttributeNotAModifierError(name));
      else into.set(name, value);
    }
  }

  /** Test support: forget everything, as a fresh process would. @internal */
  static __unsafeResetForTests(): void {
    ModifierFactory.#loaded = false;
    ModifierFactory.#main.clear();
    ModifierFactory.#experimental.clear();
    ModifierFactory.#registered.clear();
    ModifierFactory.#errors.clear();
  }
}

function safeLoad(load: () => Record<string, unknown>): Record<string, unknown> {
  try {
    return load();
  } catch (e) {
    process.stderr.write(`warning: could not load built-in modifiers: ${(e as Error).message}\n`);
    return {};
  }
}
