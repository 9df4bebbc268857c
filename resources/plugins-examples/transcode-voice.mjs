// Tasklane plugin: transcode voice recordings in a folder with ffmpeg (when installed).
// Copy this file into <data folder>/plugins, then enqueue runs of kind "transcode-voice",
// or save a task with a schedule: { "folder": "/home/me/Recordings", "format": "mp3" }.
import { existsSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';

export const name = 'transcode-voice';

// JSON Schema: a plugin in the data folder cannot import the app's zod at load time.
export const input = {
  type: 'object',
  properties: {
    folder: { type: 'string', minLength: 1 },
    format: { enum: ['mp3', 'ogg', 'm4a'] },
    ffmpeg: { type: 'string' },
    // Recordings with these endings are transcoded once each.
    from: { type: 'array', items: { type: 'string' } },
  },
  required: ['folder'],
  additionalProperties: false,
};

// ctx.spawn: the app kills ffmpeg with the run (timeout, cancel, quit), never leaves it behind.
function transcode(ctx, ffmpeg, source, target) {
  return new Promise((resolve, reject) => {
    const child = ctx.spawn(ffmpeg, ['-nostdin', '-loglevel', 'error', '-i', source, target], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    child.on('error', (e) => reject(Object.assign(new Error(e.code === 'ENOENT'
      ? `ffmpeg was not found ('${ffmpeg}'); install it or set "ffmpeg" to its path` : e.message),
    { code: e.code === 'ENOENT' ? 'FFMPEG_NOT_FOUND' : 'FFMPEG_FAILED', retryable: false })));
    child.on('close', (code) => (code === 0 ? resolve() : reject(Object.assign(new Error(`ffmpeg failed on ${source}: ${err.trim()}`), { code: 'FFMPEG_FAILED' }))));
  });
}

export async function run(input, ctx) {
  const args = { format: 'mp3', ffmpeg: 'ffmpeg', from: ['.wav', '.flac', '.aiff'], ...input };
  if (!existsSync(args.folder)) throw Object.assign(new Error(`folder ${args.folder} does not exist`), { code: 'FOLDER_NOT_FOUND', retryable: false });
  const todo = readdirSync(args.folder)
    .filter((f) => args.from.includes(extname(f).toLowerCase()))
    .filter((f) => !existsSync(join(args.folder, `${f.slice(0, -extname(f).length)}.${args.format}`)));
  let done = 0;
  for (const f of todo) {
    const target = join(args.folder, `${f.slice(0, -extname(f).length)}.${args.format}`);
    ctx.log('stdout', `${f} → ${target}`);
    await transcode(ctx, args.ffmpeg, join(args.folder, f), target);
    ctx.progress(Math.round((++done / todo.length) * 100), f);
  }
  return { transcoded: done };
}
