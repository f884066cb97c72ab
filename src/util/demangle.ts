// @fileoverview Itanium C++ ABI names → the text c++filt prints, for the subset compilers emit for ordinary code
// (nested and template names, constructors, operators, lambdas, ABI tags, clones). Anything outside the subset, too
// long or too deep is returned as it came: a name is never guessed.

/** Names longer than this are left as they are (bounded work per name). */
const MAX_INPUT = 4096;
/** Nesting deeper than this is left as it is (bounded recursion). */
const MAX_DEPTH = 64;

const BUILTIN: Readonly<Record<string, string>> = {
  v: "void", w: "wchar_t", b: "bool", c: "char", a: "signed char", h: "unsigned char", s: "short",
  t: "unsigned short", i: "int", j: "unsigned int", l: "long", m: "unsigned long", x: "long long",
  y: "unsigned long long", n: "__int128", o: "unsigned __int128", f: "float", d: "double", e: "long double",
  g: "__float128", z: "...",
};
const BUILTIN_D: Readonly<Record<string, string>> = {
  n: "decltype(nullptr)", i: "char32_t", s: "char16_t", u: "char8_t", a: "auto", c: "decltype(auto)",
};

const OPERATORS: Readonly<Record<string, string>> = {
  nw: "new", na: "new[]", dl: "delete", da: "delete[]", ps: "+", ng: "-", ad: "&", de: "*", co: "~", pl: "+",
  mi: "-", ml: "*", dv: "/", rm: "%", an: "&", or: "|", eo: "^", aS: "=", pL: "+=", mI: "-=", mL: "*=", dV: "/=",
  rM: "%=", aN: "&=", oR: "|=", eO: "^=", ls: "<<", rs: ">>", lS: "<<=", rS: ">>=", eq: "==", ne: "!=", lt: "<",
  gt: ">", le: "<=", ge: ">=", ss: "<=>", nt: "!", aa: "&&", oo: "||", pp: "++", mm: "--", cm: ",", pm: "->*",
  pt: "->", cl: "()", ix: "[]", qu: "?",
};

/** Sa, Sb, Ss, Si, So, Sd: the short form, the long form c++filt (binutils 2.40) prints, the class name. */
const STD_SUBS: Readonly<Record<string, readonly [string, string, string]>> = {
  a: ["std::allocator", "std::allocator", "allocator"],
  b: ["std::basic_string", "std::basic_string", "basic_string"],
  s: ["std::string", "std::basic_string<char, std::char_traits<char>, std::allocator<char> >", "basic_string"],
  i: ["std::istream", "std::basic_istream<char, std::char_traits<char> >", "basic_istream"],
  o: ["std::ostream", "std::basic_ostream<char, std::char_traits<char> >", "basic_ostream"],
  d: ["std::iostream", "std::basic_iostream<char, std::char_traits<char> >", "basic_iostream"],
};

class Unsupported extends Error {}

interface Name {
  text: string;
  /** The name ends in template arguments (its function type then starts with the return type). */
  template: boolean;
  /** Constructor, destructor or conversion operator: no return type even when a template. */
  noReturn: boolean;
  /** const/volatile/ref qualifiers of a member function. */
  suffix: string;
  /** The last identifier, for naming a constructor or destructor. */
  last: string;
}

class Parser {
  private pos = 0;
  private depth = 0;
  private readonly subs: string[] = [];
  private templateArgs: string[] = [];

  constructor(private readonly s: string) {}

  private peek(o = 0): string {
    return this.s[this.pos + o] ?? "";
  }
  private take(): string {
    const c = this.s[this.pos];
    if (c === undefined) throw new Unsupported();
    this.pos++;
    return c;
  }
  private expect(c: string): void {
    if (this.take() !== c) throw new Unsupported();
  }
  private enter(): void {
    if (++this.depth > MAX_DEPTH) throw new Unsupported();
  }
  private number(): number {
    let neg = false;
    if (this.peek() === "n") {
      neg = true;
      this.pos++;
    }
    const start = this.pos;
    while (this.peek() >= "0" && this.peek() <= "9") this.pos++;
    if (this.pos === start) throw new Unsupported();
    const v = Number(this.s.slice(start, this.pos));
    return neg ? -v : v;
  }
  /** <seq-id> _ (base 36, upper case), S_ being 0. */
  private seqId(): number {
    if (this.peek() === "_") {
      this.pos++;
      return 0;
    }
    let v = 0;
    for (;;) {
      const c = this.take();
      if (c === "_") return v + 1;
      const d = c >= "0" && c <= "9" ? c.charCodeAt(0) - 48 : c >= "A" && c <= "Z" ? c.charCodeAt(0) - 55 : -1;
      if (d < 0) throw new Unsupported();
      v = v * 36 + d;
    }
  }

  mangled(): string {
    if (!this.s.startsWith("_Z")) throw new Unsupported();
    this.pos = 2;
    let out = this.encoding();
    // GCC clones: foo.cold, foo.constprop.0, foo.isra.0.part.1
    while (this.peek() === ".") {
      const m = /^\.[A-Za-z_]+(\.\d+)*/.exec(this.s.slice(this.pos));
      if (m === null) throw new Unsupported();
      out += ` [clone ${m[0]}]`;
      this.pos += m[0].length;
    }
    if (this.pos !== this.s.length) throw new Unsupported();
    return out;
  }

  private encoding(): string {
    this.enter();
    const c = this.peek();
    if (c === "T" || (c === "G" && this.peek(1) === "V")) {
      const r = this.special();
      this.depth--;
      return r;
    }
    const name = this.name();
    const end = this.peek();
    if (end === "" || end === "E" || end === ".") {
      this.depth--;
      return name.text;
    }
    const saved = this.templateArgs;
    let ret = "";
    if (name.template && !name.noReturn) ret = `${this.type()} `;
    const params: string[] = [];
    while (this.peek() !== "" && this.peek() !== "E" && this.peek() !== ".") params.push(this.type());
    if (params.length === 0) throw new Unsupported();
    this.templateArgs = saved;
    this.depth--;
    const list = params.length === 1 && params[0] === "void" ? "" : params.join(", ");
    return `${ret}${name.text}(${list})${name.suffix}`;
  }

  private special(): string {
    if (this.peek() === "G") {
      this.pos += 2;
      return `guard variable for ${this.name().text}`;
    }
    this.pos++;
    const k = this.take();
    if (k === "V") return `vtable for ${this.type()}`;
    if (k === "I") return `typeinfo for ${this.type()}`;
    if (k === "S") return `typeinfo name for ${this.type()}`;
    if (k === "T") return `VTT for ${this.type()}`;
    if (k === "h") {
      this.number();
      this.expect("_");
      return `non-virtual thunk to ${this.encoding()}`;
    }
    if (k === "v") {
      this.number();
      this.expect("_");
      this.number();
      this.expect("_");
      return `virtual thunk to ${this.encoding()}`;
    }
    throw new Unsupported();
  }

  private name(): Name {
    this.enter();
    let r: Name;
    const c = this.peek();
    if (c === "L" && /[0-9]/.test(this.peek(1))) this.pos++;
    if (this.peek() === "N") r = this.nested();
    else if (this.peek() === "Z") r = this.local();
    else {
      let text: string;
      let last: string;
      let fromSub = false;
      if (c === "S" && this.peek(1) === "t") {
        this.pos += 2;
        const u = this.unqualified("");
        text = `std::${u.text}`;
        last = u.last;
      } else if (c === "S") {
        text = this.substitution();
        last = text;
        fromSub = true;
      } else {
        const u = this.unqualified("");
        text = u.text;
        last = u.last;
      }
      r = { text, template: false, noReturn: false, suffix: "", last };
      if (this.peek() === "I") {
        if (!fromSub) this.subs.push(text);
        const args = this.templateArgsList();
        this.templateArgs = args.list;
        r.text += spaced(r.text, args.text);
        r.template = true;
      }
    }
    this.depth--;
    return r;
  }

  private nested(): Name {
    this.expect("N");
    let suffix = "";
    for (;;) {
      const q = this.peek();
      if (q === "r") suffix = ` restrict${suffix}`;
      else if (q === "V") suffix = ` volatile${suffix}`;
      else if (q === "K") suffix = ` const${suffix}`;
      else break;
      this.pos++;
    }
    // c++filt prints restrict/volatile/const in that order after the parameters.
    suffix = ["restrict", "volatile", "const"].filter((w) => suffix.includes(w)).map((w) => ` ${w}`).join("");
    if (this.peek() === "R") {
      suffix += " &";
      this.pos++;
    } else if (this.peek() === "O") {
      suffix += " &&";
      this.pos++;
    }
    let prefix = "";
    let last = "";
    let template = false;
    let noReturn = false;
    while (this.peek() !== "E") {
      // L: internal linkage of the next name (GCC), which c++filt does not print.
      if (this.peek() === "L" && /[0-9]/.test(this.peek(1))) this.pos++;
      const c = this.peek();
      let fromSub = false;
      template = false;
      // Template arguments after a constructor (a constructor template) keep it a constructor.
      if (c !== "I") noReturn = false;
      if (c === "S" && this.peek(1) !== "t" && prefix === "") {
        const std = STD_SUBS[this.peek(1)];
        prefix = this.substitution();
        last = std !== undefined && /[CD]/.test(this.peek()) ? std[2] : lastIdentifier(prefix);
        fromSub = true;
      } else if (c === "S" && this.peek(1) === "t" && prefix === "") {
        this.pos += 2;
        const u = this.unqualified("");
        prefix = `std::${u.text}`;
        last = u.last;
      } else if (c === "I") {
        if (prefix === "") throw new Unsupported();
        const args = this.templateArgsList();
        this.templateArgs = args.list;
        prefix += spaced(prefix, args.text);
        template = true;
      } else if (c === "T") {
        prefix = this.templateParam();
        last = prefix;
      } else if (c === "C" || c === "D") {
        if (prefix === "" || c === "D" && "tT".includes(this.peek(1))) throw new Unsupported();
        this.pos++;
        const k = this.take();
        if (c === "C" && k === "I") throw new Unsupported();
        if (c === "C" ? !"123".includes(k) : !"012".includes(k)) throw new Unsupported();
        prefix += `::${c === "D" ? "~" : ""}${last}`;
        noReturn = true;
      } else {
        const u = this.unqualified(last);
        prefix = prefix === "" ? u.text : `${prefix}::${u.text}`;
        last = u.last;
        noReturn = u.conversion;
      }
      if (!fromSub && this.peek() !== "E") this.subs.push(prefix);
    }
    this.pos++;
    if (prefix === "") throw new Unsupported();
    return { text: prefix, template, noReturn, suffix, last };
  }

  private local(): Name {
    this.expect("Z");
    const saved = this.templateArgs;
    const outer = this.encoding();
    this.templateArgs = saved;
    this.expect("E");
    if (this.peek() === "s") {
      this.pos++;
      this.discriminator();
      return { text: `${outer}::string literal`, template: false, noReturn: false, suffix: "", last: "" };
    }
    const inner = this.name();
    this.discriminator();
    return { ...inner, text: `${outer}::${inner.text}` };
  }

  private discriminator(): void {
    if (this.peek() !== "_") return;
    this.pos++;
    if (this.peek() === "_") {
      this.pos++;
      this.number();
      this.expect("_");
    } else this.number();
  }

  /** <unqualified-name>: source name, operator, lambda or unnamed type, with ABI tags. */
  private unqualified(enclosing: string): { text: string; last: string; conversion: boolean } {
    const c = this.peek();
    let text: string;
    let last: string;
    let conversion = false;
    if (c >= "0" && c <= "9") {
      text = last = this.sourceName();
    } else if (c === "U" && this.peek(1) === "l") {
      this.pos += 2;
      const params: string[] = [];
      while (this.peek() !== "E") params.push(this.type());
      this.pos++;
      const n = this.peek() === "_" ? 0 : this.number() + 1;
      this.expect("_");
      const list = params.length === 1 && params[0] === "void" ? "" : params.join(", ");
      text = last = `{lambda(${list})#${n + 1}}`;
    } else if (c === "U" && this.peek(1) === "t") {
      this.pos += 2;
      const n = this.peek() === "_" ? 0 : this.number() + 1;
      this.expect("_");
      text = last = `{unnamed type#${n + 1}}`;
    } else if (c >= "a" && c <= "z") {
      const code = this.s.slice(this.pos, this.pos + 2);
      this.pos += 2;
      if (code === "cv") {
        text = `operator ${this.type()}`;
        conversion = true;
      } else if (code === "li") text = `operator"" ${this.sourceName()}`;
      else {
        const op = OPERATORS[code];
        if (op === undefined) throw new Unsupported();
        text = `operator${/^[a-z]/.test(op) ? " " : ""}${op}`;
      }
      last = enclosing;
    } else throw new Unsupported();
    while (this.peek() === "B") {
      this.pos++;
      text += `[abi:${this.sourceName()}]`;
    }
    return { text, last, conversion };
  }

  private sourceName(): string {
    const n = this.number();
    if (n <= 0 || this.pos + n > this.s.length) throw new Unsupported();
    const id = this.s.slice(this.pos, this.pos + n);
    this.pos += n;
    return id.startsWith("_GLOBAL__N") ? "(anonymous namespace)" : id;
  }

  private substitution(): string {
    this.expect("S");
    const c = this.peek();
    const std = STD_SUBS[c];
    if (std !== undefined) {
      this.pos++;
      return std[1];
    }
    if (c === "t") {
      this.pos++;
      return "std";
    }
    const i = this.seqId();
    const v = this.subs[i];
    if (v === undefined) throw new Unsupported();
    return v;
  }

  private templateParam(): string {
    this.expect("T");
    const i = this.seqId();
    const v = this.templateArgs[i];
    if (v === undefined) throw new Unsupported();
    return v;
  }

  private templateArgsList(): { text: string; list: string[] } {
    this.expect("I");
    const list: string[] = [];
    while (this.peek() !== "E") {
      const c = this.peek();
      if (c === "L") list.push(this.literal());
      else if (c === "X" || c === "J") throw new Unsupported();
      else list.push(this.type());
    }
    this.pos++;
    const text = list.join(", ");
    return { text: `<${text}${text.endsWith(">") ? " " : ""}>`, list };
  }

  private literal(): string {
    this.expect("L");
    if (this.peek() === "_" && this.peek(1) === "Z") {
      this.pos += 2;
      const e = this.encoding();
      this.expect("E");
      return e;
    }
    const t = this.take();
    const v = this.number();
    this.expect("E");
    const suffix: Readonly<Record<string, string>> = { i: "", j: "u", l: "l", m: "ul", x: "ll", y: "ull" };
    if (t === "b" && (v === 0 || v === 1)) return v === 1 ? "true" : "false";
    if (suffix[t] !== undefined) return `${v}${suffix[t]}`;
    if (t === "c") return `(char)${v}`;
    throw new Unsupported();
  }

  private type(): string {
    this.enter();
    const c = this.peek();
    let out: string;
    const builtin = BUILTIN[c];
    if (builtin !== undefined) {
      this.pos++;
      out = builtin;
    } else if (c === "D" && BUILTIN_D[this.peek(1)] !== undefined) {
      out = BUILTIN_D[this.peek(1)] as string;
      this.pos += 2;
    } else if (c === "r" || c === "V" || c === "K") {
      let q = "";
      for (;;) {
        const k = this.peek();
        if (k === "r") q = ` restrict${q}`;
        else if (k === "V") q = ` volatile${q}`;
        else if (k === "K") q = ` const${q}`;
        else break;
        this.pos++;
      }
      if (this.peek() === "F") throw new Unsupported();
      out = this.type() + ["restrict", "volatile", "const"].filter((w) => q.includes(w)).map((w) => ` ${w}`).join("");
      this.subs.push(out);
    } else if (c === "P" || c === "R" || c === "O") {
      this.pos++;
      const mark = c === "P" ? "*" : c === "R" ? "&" : "&&";
      if (this.peek() === "F") out = this.functionType(`(${mark})`);
      else out = `${this.type()}${mark}`;
      this.subs.push(out);
    } else if (c === "S" && this.peek(1) !== "t") {
      out = this.substitution();
      if (this.peek() === "I") {
        const args = this.templateArgsList();
        out += args.text;
        this.subs.push(out);
      }
    } else if (c === "T") {
      out = this.templateParam();
      this.subs.push(out);
      if (this.peek() === "I") {
        out += this.templateArgsList().text;
        this.subs.push(out);
      }
    } else if (c === "N" || c === "Z" || (c >= "0" && c <= "9") || (c === "S" && this.peek(1) === "t")) {
      const saved = this.templateArgs;
      out = this.name().text;
      this.templateArgs = saved;
      this.subs.push(out);
    } else throw new Unsupported();
    this.depth--;
    return out;
  }

  /** F [Y] <return type> <parameters> E, printed as a pointer or reference to it: "void (*)(int)". */
  private functionType(declarator: string): string {
    this.expect("F");
    if (this.peek() === "Y") this.pos++;
    const ret = this.type();
    const params: string[] = [];
    while (this.peek() !== "E") {
      if (this.peek() === "R" || this.peek() === "O") throw new Unsupported();
      params.push(this.type());
    }
    this.pos++;
    const list = params.length === 1 && params[0] === "void" ? "" : params.join(", ");
    const fn = `${ret} ${declarator}(${list})`;
    this.subs.push(`${ret} (${list})`);
    return fn;
  }
}

/** Template arguments after a name; after `operator<` a space, as c++filt prints it (`operator< <T>`). */
function spaced(name: string, args: string): string {
  return name.endsWith("<") ? ` ${args}` : args;
}

function lastIdentifier(name: string): string {
  let depth = 0;
  let end = name.length;
  for (let i = name.length - 1; i >= 0; i--) {
    const ch = name[i];
    if (ch === ">") depth++;
    else if (ch === "<") {
      depth--;
      if (depth === 0) end = i;
    } else if (depth === 0 && ch === ":" && name[i - 1] === ":") return name.slice(i + 1, end);
  }
  return name.slice(0, end);
}

/** The demangled form of an Itanium C++ name (as c++filt prints it), or the name itself when it is not one or uses
 * parts of the grammar this does not read. */
export function demangle(name: string): string {
  if (!name.startsWith("_Z") || name.length > MAX_INPUT) return name;
  try {
    return new Parser(name).mangled();
  } catch (e) {
    if (e instanceof Unsupported) return name;
    throw e;
  }
}
