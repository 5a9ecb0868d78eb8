// Turns token ids into text one token at a time. Byte-level BPE can split one character over several
// tokens, so a token's text is only released once the bytes it ends on decode to whole characters.
import type { PackageTokenizer } from "../package/types.ts";

const REPLACEMENT_CHARACTER = "\uFFFD";

export class TextStream {
  private readonly ids: number[] = [];
  /** Tokens before `prefixStart` are already fully emitted and no longer decoded. */
  private prefixStart = 0;
  /** Tokens before `readStart` are emitted; those from `prefixStart` give the decoding context. */
  private readStart = 0;

  constructor(
    private readonly tokenizer: PackageTokenizer,
    /** Keep special tokens' text (the router reads "<img>generate"); chat output skips them. */
    private readonly keepSpecialTokens = false,
  ) {}

  /** Adds one token; returns the text it completes (often "", never a partial character). */
  push(id: number): string {
    this.ids.push(id);
    const decode = (ids: number[]) =>
      this.tokenizer.decode(ids, { skipSpecialTokens: !this.keepSpecialTokens });
    const before = decode(this.ids.slice(this.prefixStart, this.readStart));
    const after = decode(this.ids.slice(this.prefixStart));
    if (after.length <= before.length || after.endsWith(REPLACEMENT_CHARACTER)) return "";
    this.prefixStart = this.readStart;
    this.readStart = this.ids.length;
    return after.slice(before.length);
  }
}
