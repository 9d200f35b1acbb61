import { Option } from '@commander-js/extra-typings';
import { z } from 'zod';
import { UsageError } from '../errors.js';

/**
 * One option of `imgbench run`, declared once: its flag and help, how the
 * command line's text becomes its input, and the zod schema that checks
 * the input and gives the run's value, the default filled in.
 */
export interface RunOption<Input = unknown, Value = unknown> {
  /** `--pull-concurrency <n>`, as commander takes it. */
  flags: string;
  description: string;
  /** How `--help` shows the default the schema fills in; absent for a switch that is off unless given. */
  defaultHelp?: string;
  /** The command line's text → the input (a whole number, a list). @default the text */
  parse?: (text: string) => Input;
  /**
   * For an option given more than once (`--env A=1 --env B=2`): the input so
   * far and one more text → the input. Takes parse's place.
   */
  collect?(text: string, previous: Input | undefined): Input;
  /** Checks the input (undefined: not given) and gives the run's value. */
  schema: z.ZodType<Value, Input | undefined>;
  /** What the input must be: `Expected \`--flag\` to be <expected>, got \`x\``. */
  expected: string;
  /**
   * How results.json's `settings` keeps the value, when a second run needs it
   * to be comparable: the field (@default the option's key), its schema there,
   * and what is written (undefined: left out). Absent: not recorded.
   */
  recorded?: Recorded<NoInfer<Value>>;
}

export interface Recorded<Value> {
  as?: string;
  schema: z.ZodType;
  value(value: Value): unknown;
}

/** Records the value as it is. */
export const asIs = <Value>(schema: z.ZodType, as?: string): Recorded<Value> => ({
  schema,
  value: (value) => value,
  ...(as === undefined ? {} : { as }),
});

/** The `settings` fields the recorded options of each set make: their schemas, in declaration order. */
export function recordedShape(...sets: readonly OptionSet[]): z.ZodRawShape {
  return Object.fromEntries(
    sets.flatMap((set) =>
      Object.entries(set).flatMap(([key, option]) =>
        option.recorded ? [[option.recorded.as ?? key, option.recorded.schema]] : [],
      ),
    ),
  );
}

/** The `settings` fields of the recorded options, from the run's values. */
export function recordedSettings(
  values: Readonly<Record<string, unknown>>,
  ...sets: readonly OptionSet[]
): Record<string, unknown> {
  return Object.fromEntries(
    sets.flatMap((set) =>
      Object.entries(set).flatMap(([key, option]) => {
        const value = option.recorded?.value(values[key]);
        return value === undefined ? [] : [[option.recorded?.as ?? key, value]];
      }),
    ),
  );
}

/** A list option's input: names as `parseList` gives them, or none. */
export const givenList = z.array(z.string()).readonly().optional();

/** A run option, its input and value types kept. */
export const runOption = <Input, Value>(option: RunOption<Input, Value>) => option;

/** Options by the key the library's input and the run's options give them. */
export type OptionSet = Readonly<Record<string, RunOption<unknown, unknown>>>;

/** What a library caller may give for each of `options`. */
export type OptionInputs<O extends OptionSet> = {
  [K in keyof O]?: O[K] extends RunOption<infer I, infer _V> ? I : never;
};
/** The run's value of each of `options`. */
export type OptionValues<O extends OptionSet> = {
  [K in keyof O]: O[K] extends RunOption<infer _I, infer V> ? V : never;
};

/** The option as commander declares it, its default shown and not set (the schema sets it). */
export function commanderOption(option: RunOption<unknown, unknown>): Option {
  const declared = new Option(option.flags, option.description);
  if (option.defaultHelp !== undefined) declared.default(undefined, option.defaultHelp);
  const parse = option.collect ?? option.parse;
  return parse ? declared.argParser(parse) : declared;
}

/** A repeatable option's collect: each text appended, in the order given. */
export const appended = (text: string, previous: readonly string[] | undefined): string[] => [
  ...(previous ?? []),
  text,
];

/** A repeatable `KEY=VALUE` option's collect: each pair parsed and added; a key given twice is bad input. */
export function keyed<K extends string>(
  flag: string,
  parse: (text: string) => [K, string],
  remedy: string,
): (
  text: string,
  previous: Readonly<Partial<Record<K, string>>> | undefined,
) => Partial<Record<K, string>> {
  return (text, previous) => {
    const [key, value] = parse(text);
    if (previous && key in previous) {
      throw new UsageError(`\`${flag}\` names \`${key}\` twice; ${remedy}`);
    }
    return { ...previous, [key]: value };
  };
}

/** The name commander gives the option's value: `pullConcurrency` for `--pull-concurrency`. */
export const attributeOf = (option: RunOption<unknown, unknown>): string =>
  new Option(option.flags).attributeName();

/** `--pull-concurrency`. */
const flagOf = (option: RunOption<unknown, unknown>): string =>
  new Option(option.flags).long ?? option.flags;

/** The input checked and its default filled in; bad input is one line naming the flag. */
export function optionValue<I, V>(option: RunOption<I, V>, input: I | undefined): V {
  const parsed = option.schema.safeParse(input);
  if (parsed.success) return parsed.data;
  // A check with words of its own throws its UsageError from the schema itself.
  throw new UsageError(
    `Expected \`${flagOf(option as RunOption<unknown, unknown>)}\` to be ${option.expected}, got \`${String(input)}\``,
  );
}

/** Every option's value from the input, by key. */
export function optionValues<O extends OptionSet>(
  options: O,
  input: Partial<Record<keyof O, unknown>>,
): OptionValues<O> {
  return Object.fromEntries(
    Object.entries(options).map(([key, option]) => [
      key,
      optionValue(option as RunOption<unknown, unknown>, input[key]),
    ]),
  ) as OptionValues<O>;
}

/** The options given on the command line (commander's values), as the library's input. */
export function optionInputs<O extends OptionSet>(
  options: O,
  values: Readonly<Record<string, unknown>>,
): OptionInputs<O> {
  return Object.fromEntries(
    Object.entries(options).flatMap(([key, option]) => {
      const value = values[attributeOf(option)];
      return value === undefined ? [] : [[key, value]];
    }),
  ) as OptionInputs<O>;
}

/** A whole number as given on the command line; its range is the schema's to check. */
export function wholeNumber(flag: string, expected: string): (text: string) => number {
  return (text) => {
    const n = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n)) {
      throw new UsageError(`Expected \`${flag}\` to be ${expected}, got \`${text}\``);
    }
    return n;
  };
}

/** Splits `a,b , c` into names, rejecting empty lists. */
export function parseList(option: string, value: string): string[] {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0)
    throw new UsageError(`Expected \`${option}\` to list at least one name, got \`${value}\``);
  return items;
}
