// The respondent's pages are server-rendered without the framework's client (design P5: ≤ 40 KB
// of JavaScript); $lib/components/respond/enhance.js adds live logic and drafts in a few KB.
export const csr = false;
