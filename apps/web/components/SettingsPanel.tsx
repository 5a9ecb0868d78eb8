"use client";
import {
  SETTING_LIMITS,
  SETTING_NAMES,
  type SettingName,
  type SettingPlaceholders,
  type SettingsForm,
} from "../lib/settings.ts";

/** Sampler and decoding settings for the next turns; an empty field keeps the model's default. */
export function SettingsPanel({
  form,
  errors,
  placeholders,
  onChange,
  onReset,
}: {
  form: SettingsForm;
  errors: Partial<Record<SettingName, string>>;
  /** The served model's defaults; the built-in placeholders stand in until they arrive. */
  placeholders: SettingPlaceholders;
  onChange(form: SettingsForm): void;
  onReset(): void;
}) {
  return (
    <section id="settings-panel" className="settings-panel" aria-label="Settings">
      <div className="settings-grid">
        {SETTING_NAMES.map((name) => {
          const limit = SETTING_LIMITS[name];
          const error = errors[name];
          const id = `setting-${name}`;
          return (
            <div key={name} className="setting">
              <label htmlFor={id}>{limit.label}</label>
              <input
                id={id}
                type="number"
                inputMode={limit.integer ? "numeric" : "decimal"}
                min={limit.min}
                max={limit.max}
                step={limit.integer ? 1 : "any"}
                placeholder={placeholders[name] ?? limit.placeholder}
                value={form[name]}
                aria-invalid={error !== undefined}
                aria-describedby={error ? `${id}-error` : undefined}
                onChange={(event) => onChange({ ...form, [name]: event.target.value })}
              />
              {error ? (
                <span id={`${id}-error`} className="setting-error">
                  {error}
                </span>
              ) : null}
            </div>
          );
        })}
      </div>
      <button type="button" className="text-button" onClick={onReset}>
        Reset to defaults
      </button>
    </section>
  );
}
