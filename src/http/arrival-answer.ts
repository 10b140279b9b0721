import { landingUrl } from '../page/safe-url.js';
import type { Answer } from './answer.js';
import type { RequestFacts } from './facts.js';
import { infoPageAnswer } from './info-answer.js';
import { noticeAnswer, originalUrlOf } from './notice-answer.js';
import type { TravelerDeps } from './traveler-deps.js';
import type { VenueRequest } from './venue-request.js';

/** No gateway parameters at all (the query has nothing but `lang`): staff opened the page directly. */
export function isPreview(query: Readonly<Record<string, string>>): boolean {
  return !Object.keys(query).some((k) => k !== 'lang');
}

/**
 * An arrival the venue's gateway refused:
 * - with no gateway parameters at all (the query has nothing but `lang`), staff opened the venue's
 *   page directly: an honest preview in the venue's branding (200, the splash view without a
 *   Continue bar) that counts nothing and connects no one;
 * - else the venue's 400 page with one "Try again": the page the traveler asked for (or the venue's
 *   fallback), which the gateway intercepts and turns into a fresh arrival; once online it opens.
 */
export function refusedArrivalAnswer(deps: TravelerDeps, facts: RequestFacts, request: VenueRequest): Answer {
  const { translator, venue, query, locale, venuePath } = request;
  if (isPreview(query)) {
    return infoPageAnswer(deps, facts, request, { visitToken: '', mode: { kind: 'preview' } });
  }
  const t = translator.forLocale(locale);
  return noticeAnswer(
    deps,
    facts,
    400,
    {
      docTitle: t('grant.failedDocTitle'),
      headline: t('grant.failedHeadline'),
      paragraphs: [t('grant.expired')],
      actions: [
        {
          control: { method: 'GET', action: landingUrl(originalUrlOf(facts), venue.fallbackUrl), fields: [] },
          label: t('grant.retry'),
          primary: true,
        },
      ],
      venue,
    },
    { pagePath: venuePath },
  );
}
