// `tasklane completion bash|zsh|fish`: a completion script generated from the command tree
// itself (verbs, sub-verbs and their options), so it never lists a verb that is gone. The
// words typed so far pick the verb (`task add`), and only its own options are offered.
import type { Command } from 'commander';

interface Node { path: string[]; verbs: string[]; options: string[] }

function walk(cmd: Command, path: string[] = []): Node[] {
  const options = cmd.options.filter((o) => !o.hidden).flatMap((o) => [o.long, o.short].filter((x): x is string => Boolean(x)));
  const verbs = cmd.commands.map((c) => c.name());
  return [{ path, verbs, options: [...options, '--help'] }, ...cmd.commands.flatMap((c) => walk(c, [...path, c.name()]))];
}

export function completionScript(program: Command, shell: 'bash' | 'zsh' | 'fish'): string {
  const nodes = walk(program);
  const globals = nodes[0].options;
  const known = nodes.filter((n) => n.path.length).map((n) => n.path.join(' '));
  const extra = (n: Node) => (n.path.join(' ') === 'completion' ? ['bash', 'zsh', 'fish'] : []);
  if (shell === 'fish') {
    const lines = [
      '# tasklane completion for fish: tasklane completion fish > ~/.config/fish/completions/tasklane.fish',
      'function __tasklane_path',
      `    set -l known ${known.map((k) => `'${k}'`).join(' ')}`,
      "    set -l path ''",
      '    for w in (commandline -opc)[2..-1]',
      "        test \"$w\" = '--'; and break",
      "        string match -q -- '-*' $w; and continue",
      '        if test -z "$path"; set cand $w; else; set cand "$path $w"; end',
      '        contains -- $cand $known; and set path $cand',
      '    end',
      '    echo $path',
      'end',
    ];
    for (const n of nodes) {
      const cond = `test (__tasklane_path) = '${n.path.join(' ')}'`;
      for (const v of [...n.verbs, ...extra(n)]) lines.push(`complete -c tasklane -f -n "${cond}" -a '${v}'`);
      for (const o of n.options) {
        lines.push(o.startsWith('--') ? `complete -c tasklane -n "${cond}" -l '${o.slice(2)}'` : `complete -c tasklane -n "${cond}" -s '${o.slice(1)}'`);
      }
    }
    return `${lines.join('\n')}\n`;
  }
  // bash (zsh runs it through bashcompinit): the words so far pick the node; offer its verbs and options.
  const cases = nodes.map((n) => `    "${n.path.join(' ')}") words="${[...new Set([...n.verbs, ...extra(n), ...n.options, ...(n.path.length ? globals : [])])].join(' ')}" ;;`);
  const body = [
    '_tasklane() {',
    '  local cur tl_path="" w i candidate words',
    '  cur="${COMP_WORDS[COMP_CWORD]}"',
    '  for ((i = 1; i < COMP_CWORD; i++)); do',
    '    w="${COMP_WORDS[i]}"',
    '    # After --: the program and its arguments (files).',
    '    if [ "$w" = "--" ]; then COMPREPLY=(); return; fi',
    '    case "$w" in -*) continue ;; esac',
    '    if [ -z "$tl_path" ]; then candidate="$w"; else candidate="$tl_path $w"; fi',
    '    case "$candidate" in',
    ...known.map((k) => `      "${k}") tl_path="$candidate" ;;`),
    '    esac',
    '  done',
    '  case "$tl_path" in',
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
