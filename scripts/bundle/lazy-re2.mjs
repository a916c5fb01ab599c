// Stands in for @kubernetes-models/validate/runtime/re2 in the bundle. Generated validators build their RE2 patterns
// when their module loads, and loading re2-wasm (compiling its WebAssembly) costs ~35 ms of every start — for one
// pattern (a ValidatingAdmissionPolicy field) that most runs never test. The real RE2 is built on first use.
import { createRequire } from "node:module";

const load = () => createRequire(import.meta.url)("re2-wasm").RE2;
let RE2;

export default class LazyRE2 {
  #pattern;
  #flags;
  #re;
  constructor(pattern, flags) {
    this.#pattern = pattern;
    this.#flags = flags;
  }
  get #real() {
    RE2 ??= load();
    return (this.#re ??= new RE2(this.#pattern, this.#flags));
  }
  test(text) {
    return this.#real.test(text);
  }
  exec(text) {
    return this.#real.exec(text);
  }
  get source() {
    return this.#real.source;
  }
}
