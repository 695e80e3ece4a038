/**
 * A source login (user and password) that cannot leak by accident: the password lives in a
 * private field, so `util.inspect`, `JSON.stringify`, `String()` and structured logging all see
 * only the user name. The one way out is the `Authorization` header value, built on demand.
 * @internal
 */
import { inspect } from 'node:util';

export class Credentials {
  readonly user: string;
  readonly #password: string;

  constructor(user: string, password: string) {
    this.user = user;
    this.#password = password;
  }

  /** The value of an HTTP `Authorization` header (Basic): secret, never log it. */
  authorization(): string {
    return `Basic ${Buffer.from(`${this.user}:${this.#password}`, 'utf8').toString('base64')}`;
  }

  /**
   * `text` with the password and the Basic token (in every form they travel in) masked: a last
   * guard on text from elsewhere (a server's reason phrase, a system error) before it is shown.
   */
  scrub(text: string): string {
    if (this.#password === '') return text;
    const token = this.authorization().slice('Basic '.length);
    let out = text;
    for (const secret of [token, encodeURIComponent(this.#password), this.#password]) out = out.split(secret).join('***');
    return out;
  }

  toJSON(): { user: string } {
    return { user: this.user };
  }

  toString(): string {
    return `Credentials(${this.user}:***)`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
