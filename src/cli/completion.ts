// `tasklane completion bash|zsh|fish`: a completion script generated from the command tree
// itself (verbs, sub-verbs and their options), so it never lists a verb that is gone.
import type { Command } from 'commander';

interface Node { path: string[]; verbs: string[]; options: string[] }

function walk(cmd: Command, path: string[] = []): Node[] {
  const options = cmd.options.flatMap((o) => [o.long, o.short].filter((x): x is string => Boolean(x)));
  const verbs = cmd.commands.map((c) => c.name());
  return [{ path, verbs, options: [...options, '--help'] }, ...cmd.commands.flatMap((c) => walk(c, [...path, c.name()]))];
}

export function completionScript(program: Command, shell: 'bash' | 'zsh' | 'fish'): string {
  const nodes = walk(program);
  const globals = nodes[0].options;
  if (shell === 'fish') {
    const lines = ['# tasklane completion for fish: tasklane completion fish > ~/.config/fish/completions/tasklane.fish'];
    for (const n of nodes) {
      const cond = n.path.length === 0
        ? '__fish_use_subcommand'
        : `__fish_seen_subcommand_from ${n.path[n.path.length - 1]}`;
      for (const v of n.verbs) lines.push(`complete -c tasklane -f -n '${cond}' -a '${v}'`);
      for (const o of n.options) {
        lines.push(o.startsWith('--') ? `complete -c tasklane -n '${cond}' -l '${o.slice(2)}'` : `complete -c tasklane -n '${cond}' -s '${o.slice(1)}'`);
      }
    }
    return `${lines.join('\n')}\n`;
  }
  // bash (zsh runs it through bashcompinit): the words so far pick the node; offer its verbs and options.
  const cases = nodes.map((n) => `    "${n.path.join(' ')}") words="${[...n.verbs, ...n.options, ...(n.path.length ? globals : [])].join(' ')}" ;;`);
  const body = [
    '_tasklane() {',
    '  local cur path="" w i',
    '  cur="${COMP_WORDS[COMP_CWORD]}"',
    '  for ((i = 1; i < COMP_CWORD; i++)); do',
    '    w="${COMP_WORDS[i]}"',
    '    case "$w" in -*) continue ;; esac',
    '    if [ -z "$path" ]; then candidate="$w"; else candidate="$path $w"; fi',
    '    case "$candidate" in',
    ...nodes.filter((n) => n.path.length).map((n) => `      "${n.path.join(' ')}") path="$candidate" ;;`),
    '    esac',
    '  done',
    '  local words',
    '  case "$path" in',
    ...cases,
    '  esac',
    '  COMPREPLY=($(compgen -W "$words" -- "$cur"))',
    '}',
    'complete -o default -F _tasklane tasklane',
  ];
  if (shell === 'zsh') {
    return ['# tasklane completion for zsh: source <(tasklane completion zsh)', 'autoload -U +X bashcompinit && bashcompinit', ...body, ''].join('\n');
  }
  return ['# tasklane completion for bash: source <(tasklane completion bash)', ...body, ''].join('\n');
}
