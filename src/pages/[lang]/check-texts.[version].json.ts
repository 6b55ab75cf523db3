// /de/check-texts.<version>.json: the checks' titles and fixes in each language besides English,
// which the checker island reads when it loads its engine (src/components/checker-texts.ts).
// The version is a hash of the content, so a page never reads a cached file of an older build.
import type { APIRoute, GetStaticPaths } from 'astro';
import { CHECK_TRANSLATIONS } from '../../checker/check-reference.ts';
import { checkTexts, checkTextsVersion } from '../../components/checker-texts.ts';

export const getStaticPaths = (() =>
  Object.keys(CHECK_TRANSLATIONS).map((lang) => ({ params: { lang, version: checkTextsVersion(lang) } }))) satisfies GetStaticPaths;

export const GET: APIRoute = ({ params }) => Response.json(checkTexts(params.lang!));
