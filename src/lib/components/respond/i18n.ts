import { getContext, setContext } from 'svelte';
import { translator, type MessageKey, type ParamsOf, type Translator } from '$lib/i18n/respondent';

// The respondent components' texts follow the survey's language (issue 7). The page (or the
// editor's preview) provides the language once; every question component reads it here.

const KEY = Symbol('respond-language');

interface LanguageSource {
	/** the survey's language code */
	language: string;
	/** the respondent's locale for numbers (default: the language) */
	locale?: string;
}

/** Provides the survey's language to the respondent components below (a getter: may change). */
export function provideLanguage(get: () => LanguageSource): void {
	setContext(KEY, get);
}

/** The translator of the provided language (English without a provider). */
export function useT(): Translator {
	const get = getContext<(() => LanguageSource) | undefined>(KEY);
	const current = () => {
		const s = get?.();
		return translator(s?.language, s?.locale);
	};
	const t = (<K extends MessageKey>(key: K, ...params: ParamsOf<K>) =>
		current()(key, ...params)) as Translator;
	Object.defineProperty(t, 'language', { get: () => current().language });
	return t;
}
