// A few DOM helpers: the console builds its pages with `h` and no framework.

type Child = Node | string | number | null | undefined | false | Child[];
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

/** An element: `h("a", {href: "#/org", class: "nav"}, "Organization")`. `on*` attributes are listeners. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      el.addEventListener(name.slice(2), value);
    } else if (name === "value" && "value" in el) {
      (el as HTMLInputElement).value = String(value);
    } else if (name === "checked" && el instanceof HTMLInputElement) {
      el.checked = Boolean(value);
    } else {
      el.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function replace(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/** The value of a named control of a form. */
export function field(form: HTMLFormElement, name: string): string {
  const el = form.elements.namedItem(name);
  if (el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement) return el.value.trim();
  return "";
}

/** The values of the checked checkboxes (or selected options) named `name`. */
export function checked(form: HTMLFormElement, name: string): string[] {
  const out: string[] = [];
  for (const el of Array.from(form.elements)) {
    if (el instanceof HTMLInputElement && el.name === name && el.checked) out.push(el.value);
    if (el instanceof HTMLSelectElement && el.name === name && el.multiple) {
      for (const o of Array.from(el.selectedOptions)) out.push(o.value);
    }
  }
  return out;
}

/** A `<select>` of `options` (`[value, label]`), the first selected unless `selected` says otherwise. */
export function select(name: string, options: [string, string][], attrs: Attrs = {}, selected?: string): HTMLSelectElement {
  return h("select", { name, ...attrs }, options.map(([value, label]) => h("option", { value, selected: value === selected }, label)));
}

/** Checkboxes named `name`, one per `[value, label]`. */
export function checkboxes(name: string, options: [string, string][], on: string[] = []): HTMLElement {
  return h("span", { class: "checks" }, options.map(([value, label]) =>
    h("label", {}, h("input", { type: "checkbox", name, value, checked: on.includes(value) }), label)));
}

/** A labelled control. */
export function labelled(text: string, control: Node): HTMLLabelElement {
  return h("label", { class: "field" }, h("span", {}, text), control);
}

/** A short, readable id made from a name: `Q3 revenue` -> `q3-revenue-k2x9`. */
export function idFrom(name: string): string {
  const slug = name.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 40) || "item";
  return `${slug}-${Math.random().toString(36).slice(2, 6)}`;
}

/** Checks exactly the checkboxes named `name` whose values are in `on`. */
export function setChecked(form: HTMLFormElement, name: string, on: string[]): void {
  for (const el of Array.from(form.elements)) {
    if (el instanceof HTMLInputElement && el.name === name) el.checked = on.includes(el.value);
  }
}
