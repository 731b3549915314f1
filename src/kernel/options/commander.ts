// Builds commander options from the one option table (./table.ts): the CLI and `%baler` notebook lines call
// this, so both accept the same names and refuse the same bad values with the same one-line message.
import { InvalidArgumentError, Option, type Command } from 'commander';
import { OPTIONS, OptionValueError, type OptionName, type OptionSpec } from './table';

export function optionFor(name: OptionName): Option {
  const spec: OptionSpec = OPTIONS[name];
  const option = new Option(spec.flags, spec.help);
  if (spec.choices) option.choices(spec.choices);
  const parse = spec.parse;
  if (parse) {
    option.argParser((text: string) => {
      try {
        return parse(text);
      } catch (err) {
        if (err instanceof OptionValueError) throw new InvalidArgumentError(err.message);
        throw err;
      }
    });
  }
  return option;
}

export function addOptions(command: Command, names: readonly OptionName[]): Command {
  for (const name of names) command.addOption(optionFor(name));
  return command;
}
