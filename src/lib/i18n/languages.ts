// The languages the respondent's page is translated into (src/lib/i18n/respondent.ts); kept
// apart from the catalogue so the survey editor can offer them without loading the texts.

/** The languages with a complete catalogue (the first is the fallback). */
export const RESPONDENT_LANGUAGES = ['en', 'de', 'fr', 'es', 'nl'] as const;
export type RespondentLanguage = (typeof RESPONDENT_LANGUAGES)[number];

/** Native names, for the survey editor's language choice. */
export const LANGUAGE_NAMES: Record<RespondentLanguage, string> = {
	en: 'English',
	de: 'Deutsch',
	fr: 'Français',
	es: 'Español',
	nl: 'Nederlands'
};
