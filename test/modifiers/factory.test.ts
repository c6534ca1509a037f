/**
 * ModifierFactory (lifecycle.md §4; Q12, Q13; E20–E24).
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ValueError } from '../../src/core/errors.ts';
import { Modifier } from '../../src/modifiers/modifier.ts';
import { ModifierFactory, registerBuiltinModule } from '../../src/modifiers/factory.ts';
import { TestModifier } from '../helpers/testModifier.ts';

class MainModifier extends Modifier {
  protected override onInitialize(): boolean {
    return true;
  }
}
class ExperimentalModifier extends MainModifier {}
class MainShadow extends MainModifier {}
class RegisteredShadow extends MainModifier {}
class ExperimentalShadow extends MainModifier {}
class NotAModifier {}

// The built-in and experimental modules `refresh` scans in this file (a fresh process per file).
registerBuiltinModule(() => ({ MainModifier, SharedModifier: MainShadow, ExpSharedModifier: MainShadow, StoredBadModifier: 'not a class' }));
registerBuiltinModule(() => ({ ExperimentalModifier, SharedModifier: ExperimentalShadow, ExpSharedModifier: ExperimentalShadow }), true);

const plugin = (name: string) => new URL(`../fixtures/plugins/${name}.ts`, import.meta.url).href;
const ALL = { allowRegistered: true, allowExperimental: true };
const NONE = { allowRegistered: false, allowExperimental: false };

beforeEach(() => {
  ModifierFactory.__unsafeResetForTests();
});

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

describe('refresh (§4)', () => {
  it('starts not loaded; refresh loads', () => {
    expect(ModifierFactory.loaded).toBe(false);
    ModifierFactory.refresh();
    expect(ModifierFactory.loaded).toBe(true);
  });

  it('create never calls refresh', () => {
    // Act
    const err = thrown(() => ModifierFactory.create('MainModifier', ALL));
    // Assert
    expect(err.message).toBe("No modifier of type 'MainModifier' found.");
    expect(ModifierFactory.loaded).toBe(false);
  });

  it('fills main and experimental from the built-in modules', () => {
    ModifierFactory.refresh();
    expect(ModifierFactory.create('MainModifier', NONE)).toBeInstanceOf(MainModifier);
    expect(ModifierFactory.create('ExperimentalModifier', { allowRegistered: false, allowExperimental: true })).toBeInstanceOf(ExperimentalModifier);
  });

  it('keeps registrations (Q12)', () => {
    // Arrange
    ModifierFactory.register('TestModifier', TestModifier);
    // Act
    ModifierFactory.refresh();
    ModifierFactory.refresh();
    // Assert
    expect(ModifierFactory.create('TestModifier', ALL)).toBeInstanceOf(TestModifier);
  });

  it('keeps stored errors (Q12)', () => {
    ModifierFactory.refresh();
    ModifierFactory.refresh();
    expect(thrown(() => ModifierFactory.create('StoredBadModifier', ALL)).message).toBe('Attribute StoredBadModifier is not a type');
  });
});

/** `type | options | class create returns, or the E20 text` — §4 create order. */
const CREATE_ORDER: [string, string, { allowRegistered: boolean; allowExperimental: boolean }, unknown][] = [
  ['registered beats experimental and main', 'SharedModifier', ALL, RegisteredShadow],
  ['experimental beats main when registered is off', 'SharedModifier', { allowRegistered: false, allowExperimental: true }, ExperimentalShadow],
  ['main when both are off', 'SharedModifier', NONE, MainShadow],
  ['registered but not experimental', 'SharedModifier', { allowRegistered: true, allowExperimental: false }, RegisteredShadow],
  ['experimental beats main', 'ExpSharedModifier', ALL, ExperimentalShadow],
  ['experimental only when allowed', 'ExperimentalModifier', NONE, "No modifier of type 'ExperimentalModifier' found."],
  ['registered only when allowed', 'RegisteredOnlyModifier', { allowRegistered: false, allowExperimental: true }, "No modifier of type 'RegisteredOnlyModifier' found."],
  ['registered when allowed', 'RegisteredOnlyModifier', ALL, TestModifier],
  ['main always', 'MainModifier', NONE, MainModifier],
  ['E20 for an unknown type', 'NopeModifier', ALL, "No modifier of type 'NopeModifier' found."],
];

describe('create order (§4)', () => {
  it.each(CREATE_ORDER)('%s', (_name, type, options, expected) => {
    // Arrange
    ModifierFactory.refresh();
    ModifierFactory.register('SharedModifier', RegisteredShadow);
    ModifierFactory.register('RegisteredOnlyModifier', TestModifier);
    // Act / Assert
    if (typeof expected === 'string') {
      const err = thrown(() => ModifierFactory.create(type, options));
      expect(err).toBeInstanceOf(ValueError);
      expect(err.message).toBe(expected);
    } else {
      expect(ModifierFactory.create(type, options).constructor).toBe(expected);
    }
  });

  it('constructs the class with args', () => {
    ModifierFactory.register('TestModifier', TestModifier);
    const m = ModifierFactory.create('TestModifier', { ...ALL, args: { start: 2, group: 'g' } });
    expect([m.start, m.group]).toEqual([2, 'g']);
  });

  it('construction errors propagate (E30)', () => {
    ModifierFactory.register('TestModifier', TestModifier);
    expect(() => ModifierFactory.create('TestModifier', { ...ALL, args: { foo: 1 } })).toThrow(
      '1 validation error for TestModifier\nfoo\n  Extra inputs are not permitted',
    );
  });

  it('options: missing or null is a ValueError naming the call; an unknown key is E30 (extra="forbid")', () => {
    ModifierFactory.register('TestModifier', TestModifier);
    expect(() => ModifierFactory.create('TestModifier', undefined as never)).toThrow(ValueError);
    expect(() => ModifierFactory.create('TestModifier', undefined as never)).toThrow(
      'ModifierFactory.create() takes an options object {allowRegistered, allowExperimental, args?}, got undefined',
    );
    expect(() => ModifierFactory.create('TestModifier', null as never)).toThrow(
      'ModifierFactory.create() takes an options object {allowRegistered, allowExperimental, args?}, got null',
    );
    expect(() => ModifierFactory.create('TestModifier', { allowregistered: true } as never)).toThrow(
      '1 validation error for ModifierFactory.create\nallowregistered\n  Extra inputs are not permitted',
    );
  });

  it('register overrides a built-in when allowRegistered', () => {
    ModifierFactory.refresh();
    ModifierFactory.register('MainModifier', TestModifier);
    expect(ModifierFactory.create('MainModifier', ALL)).toBeInstanceOf(TestModifier);
    expect(ModifierFactory.create('MainModifier', NONE)).toBeInstanceOf(MainModifier);
  });
});

describe('register (§4, Q13)', () => {
  /** `value | error` */
  const BAD: [string, unknown, string][] = [
    ['a class that is not a Modifier → E21', NotAModifier, 'The provided class does not subclass the Modifier base class.'],
    ['the Modifier base itself → E21', Modifier, 'The provided class does not subclass the Modifier base class.'],
    ['a plain object → E24', { a: 1 }, 'The provided class is not a type.'],
    ['a string → E24', 'TestModifier', 'The provided class is not a type.'],
    ['an arrow function → E24', () => TestModifier, 'The provided class is not a type.'],
    ['an instance → E24', new TestModifier(), 'The provided class is not a type.'],
    ['null → E24', null, 'The provided class is not a type.'],
  ];
  it.each(BAD)('%s', (_name, value, text) => {
    // Act
    const err = thrown(() => ModifierFactory.register('XModifier', value as never));
    // Assert
    expect(err).toBeInstanceOf(ValueError);
    expect(err.message).toBe(text);
    expect(thrown(() => ModifierFactory.create('XModifier', ALL)).message).toBe("No modifier of type 'XModifier' found.");
  });
});

describe('loadFromModule (§4)', () => {
  it('returns the valid *Modifier classes only, without registering them', async () => {
    // Act
    const found = await ModifierFactory.loadFromModule(plugin('mixedPlugin'));
    // Assert
    expect(Object.keys(found)).toEqual(['FooModifier']);
    expect(Object.getPrototypeOf(found.FooModifier.prototype)).toBe(Modifier.prototype);
    expect(thrown(() => ModifierFactory.create('FooModifier', ALL)).message).toBe("No modifier of type 'FooModifier' found.");
  });

  it('stores E22 for a non-class export and E23 for a non-Modifier class', async () => {
    await ModifierFactory.loadFromModule(plugin('mixedPlugin'));
    const e22 = thrown(() => ModifierFactory.create('BarModifier', ALL));
    const e23 = thrown(() => ModifierFactory.create('BazModifier', ALL));
    expect(e22).toBeInstanceOf(ValueError);
    expect(e22.message).toBe('Attribute BarModifier is not a type');
    expect(e23).toBeInstanceOf(ValueError);
    expect(e23.message).toBe('Attribute BazModifier is not a Modifier');
  });

  it('ignores exports whose name does not end with Modifier', async () => {
    const found = await ModifierFactory.loadFromModule(plugin('mixedPlugin'));
    expect(found).not.toHaveProperty('NotCounted');
    expect(found).not.toHaveProperty('helper');
    expect(thrown(() => ModifierFactory.create('NotCounted', ALL)).message).toBe("No modifier of type 'NotCounted' found.");
  });

  it('registering the returned classes is the caller’s choice', async () => {
    const found = await ModifierFactory.loadFromModule(plugin('mixedPlugin'));
    for (const [name, cls] of Object.entries(found)) ModifierFactory.register(name, cls);
    expect(ModifierFactory.create('FooModifier', ALL)).toBeInstanceOf(found.FooModifier);
  });

  it('Q12: a stored error beats a valid class registered under the same name', async () => {
    // Arrange
    await ModifierFactory.loadFromModule(plugin('mixedPlugin'));
    const shadow = await ModifierFactory.loadFromModule(plugin('shadowPlugin'));
    ModifierFactory.register('BarModifier', shadow.BarModifier ?? TestModifier);
    // Act
    const err = thrown(() => ModifierFactory.create('BarModifier', ALL));
    // Assert
    expect(err.message).toBe('Attribute BarModifier is not a type');
  });

  it('Q12: a stored error survives refresh and beats main', async () => {
    await ModifierFactory.loadFromModule(plugin('mixedPlugin'));
    ModifierFactory.refresh();
    ModifierFactory.register('BazModifier', TestModifier);
    expect(thrown(() => ModifierFactory.create('BazModifier', ALL)).message).toBe('Attribute BazModifier is not a Modifier');
    expect(thrown(() => ModifierFactory.create('BazModifier', NONE)).message).toBe('Attribute BazModifier is not a Modifier');
  });

  it('Q12: create throws the stored error object itself, every time', async () => {
    await ModifierFactory.loadFromModule(plugin('mixedPlugin'));
    expect(thrown(() => ModifierFactory.create('BarModifier', ALL))).toBe(thrown(() => ModifierFactory.create('BarModifier', NONE)));
  });

  it('a valid class in a later module is still returned when its name is free', async () => {
    await ModifierFactory.loadFromModule(plugin('mixedPlugin'));
    const shadow = await ModifierFactory.loadFromModule(plugin('shadowPlugin'));
    expect(Object.keys(shadow)).toContain('QuxModifier');
  });

  it('a module that fails to import is reported and skipped', async () => {
    // Arrange
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      // Act
      const found = await ModifierFactory.loadFromModule(plugin('brokenPlugin'));
      // Assert
      expect(found).toEqual({});
      expect(write).toHaveBeenCalled();
      expect(String(write.mock.calls[0][0])).toContain('brokenPlugin');
    } finally {
      write.mockRestore();
    }
  });

  it('a missing module is reported and skipped', async () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await ModifierFactory.loadFromModule(plugin('doesNotExist'))).toEqual({});
      expect(write).toHaveBeenCalled();
    } finally {
      write.mockRestore();
    }
  });
});

describe('built-ins (§4)', () => {
  it('refresh puts at least SpinQuantModifier and QuantizationModifier in main', async () => {
    // Arrange: the package's built-in barrel registers its module with the factory.
    await import('../../src/modifiers/builtins.ts');
    // Act
    ModifierFactory.refresh();
    // Assert
    for (const name of ['SpinQuantModifier', 'QuantizationModifier']) {
      const m = ModifierFactory.create(name, NONE);
      expect(m).toBeInstanceOf(Modifier);
      expect(m.constructor.name).toBe(name);
    }
  });
});
