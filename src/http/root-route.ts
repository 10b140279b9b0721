import { Router } from 'express';
import { rootAnswer } from '../page/venue-list.js';
import { firstValues } from './query.js';
import type { RuntimeRef } from './runtime.js';
import { noticeLocale, renderNoticePage } from './traveler-routes.js';
import type { Views } from './views.js';

/**
 * `GET /`: the venues this portal serves (a localized list, one link per venue), or a redirect to
 * `portal.rootRedirect` when it is set, rather than a 404. The answer is src/page/venue-list.ts.
 */
export function rootRoute(deps: { ref: RuntimeRef; views: Views }): Router {
  const router = Router();
  router.get('/', (req, res) => {
    const { config, translator } = deps.ref.current;
    const locale = noticeLocale(req, firstValues(req.query));
    const answer = rootAnswer(config, locale, translator.forLocale(locale), req.baseUrl);
    if (answer.kind === 'redirect') {
      res.set('Cache-Control', 'no-store');
      return void res.redirect(302, answer.location);
    }
    renderNoticePage(deps.ref, deps.views, req, res, 200, {
      docTitle: answer.docTitle,
      headline: answer.headline,
      paragraphs: [answer.intro],
      actions: [
        ...answer.venues.map((v) => ({
          control: { method: 'GET' as const, action: v.href, fields: [] },
          label: v.name,
          primary: false,
        })),
        {
          control: { method: 'GET' as const, action: answer.landing.href, fields: [] },
          label: answer.landing.label,
          primary: true,
        },
      ],
    });
  });
  return router;
}
