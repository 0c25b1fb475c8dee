/** A tiny element builder: text always goes in as text nodes, so VPS names can never become markup. */

type Child = Node | string | number | null | undefined | false;
type Attr = string | number | boolean | null | undefined | ((event: Event) => void);

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, Attr> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value === 'function') element.addEventListener(name.replace(/^on/, ''), value);
    else if (value === true) element.setAttribute(name, '');
    else if (value !== false && value !== null && value !== undefined) element.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
  return element;
}

/**
 * Text from the API (a VPS name, its OS, an error message) in a <bdi>: a bidi isolate, so its
 * directional controls (U+202E ...) and right-to-left letters cannot reorder the text displayed
 * beside it, such as the "#id" after a name; its own direction comes from its first strong letter.
 */
export const isolated = (text: string, className?: string): HTMLElement => h('bdi', className ? { class: className } : {}, text);
