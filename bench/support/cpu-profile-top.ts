/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by function and by area (package or src folder),
 * optionally only for samples in a time window.
 *
 *   node bench/support/cpu-profile-top.ts <file.cpuprofile> [top=25] [fromSec] [toSec]
 *
 * fromSec/toSec are seconds since the profile started. With CALLERS=<function name>, also prints the call stacks
 * (4 frames up) that the self time of that function comes from. With INCLUSIVE=<name>,<name>,…, also prints the
 * inclusive time of the frames with those function names (a sample counts once per name).
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const [file, topArg, fromArg, toArg] = process.argv.slice(2);
if (file === undefined) {
  console.error('usage: node bench/support/cpu-profile-top.ts <file.cpuprofile> [top] [fromSec] [toSec]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const from = fromArg === undefined ? -Infinity : Number(fromArg) * 1e6;
const to = toArg === undefined ? Infinity : Number(toArg) * 1e6;
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));

function area(url: string, name: string): string {
  if (url === '') return name.startsWith('(') ? name : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg !== null) return pkg[1]!;
  const src = /\/(src\/[^/]+(?:\/[^/]+)?)\//.exec(url);
  if (src !== null) return src[1]!;
  if (url.startsWith('node:')) return 'node:internal';
  return url.replace(/^.*\/(bench|test)\//, '$1/');
}

const parentOf = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
const callersOf = process.env['CALLERS'];
const byStack = new Map<string, number>();
const frameName = (node: ProfileNode): string =>
  `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.replace(/^.*\/(node_modules|src|bench|test)\//, '$1/')}:${node.callFrame.lineNumber + 1}`;

const inclusiveNames = (process.env['INCLUSIVE'] ?? '').split(',').filter((name) => name !== '');
const inclusive = new Map<string, number>();

const selfByFunction = new Map<string, number>();
const selfByArea = new Map<string, number>();
let total = 0;
let t = 0;
for (let i = 0; i < profile.samples.length; i++) {
  t += profile.timeDeltas[i] ?? 0;
  if (t < from || t > to) continue;
  const dt = profile.timeDeltas[i + 1] ?? 0;
  const node = byId.get(profile.samples[i]!);
  if (node === undefined) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const fn = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|src|bench|test)\//, '$1/')}:${lineNumber + 1}`;
  selfByFunction.set(fn, (selfByFunction.get(fn) ?? 0) + dt);
  if (inclusiveNames.length > 0) {
    const hit = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parentOf.get(id)) {
      const name = byId.get(id)!.callFrame.functionName;
      if (inclusiveNames.includes(name)) hit.add(name);
    }
    for (const name of hit) inclusive.set(name, (inclusive.get(name) ?? 0) + dt);
  }
  if (callersOf !== undefined && functionName === callersOf) {
    const frames: string[] = [];
    for (let id = parentOf.get(node.id), depth = 0; id !== undefined && depth < 4; id = parentOf.get(id), depth++) frames.push(frameName(byId.get(id)!));
    const stack = frames.join(' < ');
    byStack.set(stack, (byStack.get(stack) ?? 0) + dt);
  }
  const a = area(url, functionName);
  selfByArea.set(a, (selfByArea.get(a) ?? 0) + dt);
  total += dt;
}

const show = (title: string, map: Map<string, number>): void => {
  console.log(`${title} (of ${(total / 1e6).toFixed(2)} s sampled)`);
  for (const [name, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${(us / 1e3).toFixed(0).padStart(8)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${name}`);
  }
  console.log('');
};
show('self time by area', selfByArea);
show('self time by function', selfByFunction);
if (inclusiveNames.length > 0) show('inclusive time', inclusive);
if (callersOf !== undefined) show(`callers of ${callersOf}`, byStack);
