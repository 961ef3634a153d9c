// Runs the golden-vector checks of wasm/ (a wasm32-unknown-unknown +simd128 cdylib) under
// node: `node ci/wasm-check.mjs glorot_wasm_check.wasm`. One line per check; exit 1 on any
// failure (a trap, e.g. a panic, fails too).
import { readFile } from 'node:fs/promises';
import process from 'node:process';

const bytes = await readFile(process.argv[2]);
const module = await WebAssembly.compile(bytes);
// rustc records the enabled features in the "target_features" custom section: entries of
// a prefix byte ('+' used) and a length-prefixed name.
const feats = WebAssembly.Module.customSections(module, 'target_features')
  .map((s) => Buffer.from(s).toString('latin1')).join('');
if (!feats.includes('+\x07simd128')) {
  console.log('FAIL module was not built with +simd128');
  process.exit(1);
}
const instance = await WebAssembly.instantiate(module, {});
const w = instance.exports;
const names = ['normal', 'truncated_normal', 'uniform', 'GlorotNormal Dense(100->64)'];
const kinds = ['simd first16', 'reference first16', 'simd==reference n=4096',
  `fnv1a(first ${w.hash_len()}) in blocks of 250`];
const hex = (v, n) => '0x' + BigInt.asUintN(64, BigInt(v)).toString(16).padStart(n, '0');
let passed = 0;
let failed = 0;
const n = w.n_checks();
for (let i = 0; i < n; i++) {
  const s = w.check_sampler(i);
  const kind = s === 3 ? (i === n - 2 ? 'first16 + fnv1a in blocks of 250' : 'whole kernel, fnv1a')
    : kinds[i % 4];
  const label = `${names[s]} seed=${hex(w.check_seed(i), 1)} stream=${BigInt.asUintN(64, BigInt(w.check_stream(i)))} ${kind}`;
  let ok = 0;
  try {
    ok = w.check(i);
  } catch (e) {
    console.log(`FAIL ${label}: trapped (${e.message})`);
    failed++;
    continue;
  }
  if (ok === 1) {
    passed++;
    console.log(`PASS ${label}`);
  } else {
    failed++;
    const idx = BigInt.asUintN(64, BigInt(w.last_index()));
    const where = idx === (1n << 64n) - 2n ? 'hash' : `element ${idx}`;
    console.log(`FAIL ${label}: ${where} got ${hex(w.last_got(), 8)} want ${hex(w.last_want(), 8)}`);
  }
}
console.log(`wasm: ${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
