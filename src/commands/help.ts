import {Args, loadHelpClass} from '@oclif/core';
import {ClusterCommand} from '../cli/cluster-command.js';
import {InputError} from '../errors.js';
import {closest} from '../hooks/command-not-found.js';

export default class Help extends ClusterCommand {
  static override summary = "Show the commands, or one command's flags and examples.";
  static override examples = [
    '<%= config.bin %> help',
    '<%= config.bin %> help bench',
    '<%= config.bin %> help lab up',
  ];
  static override enableJsonFlag = false;
  static override strict = false;

  static override args = {
    command: Args.string({description: 'a command, e.g. bench or lab up', required: false}),
  };

  async run(): Promise<void> {
    const {argv} = (await this.parse(Help)) as {argv: string[]};
    const words = argv.filter((word) => !word.startsWith('-'));
    const id = words.join(':');
    if (id && !this.config.findCommand(id) && !this.config.findTopic(id)) {
      const nearest = closest(
        words.join(' '),
        this.config.commandIDs.map((command) => command.replaceAll(':', ' ')),
      );
      throw new InputError({
        file: `${this.config.bin} help`,
        problem: `unknown command '${words.join(' ')}'`,
        fix: `${nearest ? `did you mean: ${this.config.bin} help ${nearest}? ` : ''}all commands: ${this.config.bin} help`,
      });
    }
    const HelpClass = await loadHelpClass(this.config);
    await new HelpClass(this.config).showHelp(argv);
  }
}
