// Adapter over the @huggingface/transformers tokenizer, loaded from the package's own files only.
import { AutoTokenizer, env } from "@huggingface/transformers";
import { EngineError } from "../errors.ts";
import type { PackageTokenizer } from "./types.ts";

export async function loadPackageTokenizer(dir: string): Promise<PackageTokenizer> {
  // A package is self-contained: a missing tokenizer file must fail here, never trigger a download.
  env.allowRemoteModels = false;
  let tokenizer: Awaited<ReturnType<typeof AutoTokenizer.from_pretrained>>;
  try {
    tokenizer = await AutoTokenizer.from_pretrained(dir, { local_files_only: true });
  } catch (cause) {
    throw new EngineError(
      "invalid_package",
      `${dir}: tokenizer.json / tokenizer_config.json could not be loaded`,
      {
        cause,
      },
    );
  }
  if (!tokenizer.chat_template) {
    throw new EngineError("invalid_package", `${dir}: tokenizer_config.json has no chat_template`);
  }
  return {
    encode: (text) => tokenizer.encode(text, { add_special_tokens: false }),
    decode: (ids, options) =>
      ids.length === 0
        ? ""
        : tokenizer.decode(ids, {
            skip_special_tokens: options?.skipSpecialTokens ?? false,
            clean_up_tokenization_spaces: false,
          }),
    specialTokens: [...tokenizer.all_special_tokens],
    chatPrompt: (messages, addGenerationPrompt) =>
      tokenizer.apply_chat_template(messages, {
        tokenize: false,
        add_generation_prompt: addGenerationPrompt,
      }),
  };
}
