import { rootAnswer } from '../page/venue-list.js';
import { redirectAnswer, type Answer } from './answer.js';
import type { RequestFacts } from './facts.js';
import { noticeAnswer, noticeLocale } from './notice-answer.js';
import type { TravelerDeps } from './traveler-deps.js';

/**
 * `GET /`: the venues this portal serves (a localized list, one link per venue, and the default
 * landing page as the way on), or a 302 to `portal.rootRedirect` when it is set, rather than a
 * 404. The view model is src/page/venue-list.ts.
 */
export function rootPageAnswer(deps: TravelerDeps, facts: RequestFacts): Answer {
  const { config, translator } = deps.ref.current;
  const locale = noticeLocale(facts);
  const root = rootAnswer(config, locale, translator.forLocale(locale), facts.base);
  if (root.kind === 'redirect') return redirectAnswer(facts, root.location, 302);
  return noticeAnswer(deps, facts, 200, {
    docTitle: root.docTitle,
    headline: root.headline,
    paragraphs: [root.intro],
    actions: [
      ...root.venues.map((v) => ({
        control: { method: 'GET' as const, action: v.href, fields: [] },
        label: v.name,
        primary: false,
      })),
      {
        control: { method: 'GET' as const, action: root.landing.href, fields: [] },
        label: root.landing.label,
        primary: true,
      },
    ],
  });
}
