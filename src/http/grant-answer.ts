import type { Venue } from '../config/load.js';
import type { ContinueControl } from '../gateways/gateway.js';
import { GO_TARGETS, type GoTarget, type GrantOutcome } from '../grant/grant.js';
import { answer, redirectAnswer, type Answer } from './answer.js';
import { errors } from './errors.js';
import { countingFacts, type RequestFacts } from './facts.js';
import { noticeAnswer, noticeLocale, type NoticeContent, type NoticeOptions } from './notice-answer.js';
import type { TravelerDeps } from './traveler-deps.js';
import { venueLocale, venueRequest } from './venue-request.js';

/**
 * A tap (`/v/<venue>/go/<target>`): the grant step (src/grant/grant.ts) counts it and grants; this
 * turns its outcome into an answer: a redirect, the gateway's hand-off form, Aruba's text page, or
 * a localized page with a way on (the retry link is the tap's own canonical URL, never the raw path).
 */
export async function grantAnswer(
  deps: TravelerDeps,
  facts: RequestFacts,
  venueId: string,
  target: string,
): Promise<Answer> {
  const { venue, venuePath, guess, locale } = venueRequest(deps.ref, facts, venueId);
  if (!(GO_TARGETS as readonly string[]).includes(target)) throw errors.routeNotFound();
  const outcome = await deps.grants.tap({
    venue,
    target: target as GoTarget,
    visitToken: facts.query.t,
    grantState: facts.query.s,
    facts: countingFacts(facts),
    // From the OS's captive window a store may not open inside the sheet: land on the ready page.
    readyPage: guess.captiveWindow
      ? { origin: `${facts.secure ? 'https' : 'http'}://${facts.host ?? 'localhost'}`, venuePath, locale }
      : undefined,
  });
  const pagePath = `${venuePath}/go/${target}`;
  return outcomeAnswer(deps, facts, outcome, pagePath, venue);
}

function outcomeAnswer(
  deps: TravelerDeps,
  facts: RequestFacts,
  outcome: GrantOutcome,
  pagePath: string,
  venue: Venue,
): Answer {
  const venueName = venue.name[noticeLocale(facts)] ?? venue.name.en ?? venue.id;
  const t = deps.ref.current.translator.forLocale(noticeLocale(facts));
  const link = (action: string, label: string, primary: boolean) => ({
    control: { method: 'GET' as const, action, fields: [] },
    label,
    primary,
  });
  switch (outcome.kind) {
    case 'redirect':
      return redirectAnswer(facts, outcome.url);
    case 'counted':
      // The card's "already have it": counted, nothing to show (the card stays, never cached).
      return answer(facts, 204, 'text/plain; charset=utf-8', '', { compress: false });
    case 'invalid': {
      // Expired or not this venue's: "Try again" opens the venue's page on the web, which the
      // gateway intercepts to start over (once online, it simply opens). The venue's own page.
      const error = errors.grantStateInvalid('grant state refused');
      const vt = deps.ref.current.translator.forLocale(venueLocale(venue, facts.query, facts.acceptLanguage));
      return noticeAnswer(
        deps,
        facts,
        error.status,
        {
          docTitle: vt('grant.failedDocTitle'),
          headline: vt('grant.failedHeadline'),
          paragraphs: [vt(error.keyIn('traveler'))],
          actions: [link(outcome.fallback, vt('grant.retry'), true)],
          venue,
        },
        { pagePath },
      );
    }
    case 'failed':
    case 'throttled': {
      const code =
        outcome.kind === 'throttled'
          ? 'grant_throttled'
          : outcome.reason === 'rejected'
            ? 'grant_rejected'
            : 'grant_failed';
      const status = outcome.kind === 'throttled' ? 429 : 502;
      const key = code === 'grant_rejected' ? 'grant.rejected' : 'grant.failedBody';
      // Try again: the same tap, rebuilt from its route and the parameters it reads.
      const retry = `${pagePath}?${new URLSearchParams(
        Object.entries({ t: facts.query.t, s: facts.query.s, lang: facts.query.lang }).filter(
          (e): e is [string, string] => e[1] !== undefined,
        ),
      ).toString()}`;
      return noticeAnswer(
        deps,
        facts,
        status,
        {
          docTitle: t('grant.failedDocTitle'),
          headline: t('grant.failedHeadline'),
          paragraphs: [t(key, { venue: venueName })],
          actions: [link(retry, t('grant.retry'), true), link(outcome.landing, t('grant.original'), false)],
        },
        { pagePath },
      );
    }
    case 'step': {
      const { step, landing } = outcome;
      if (step.kind === 'redirect') return redirectAnswer(facts, step.url);
      if (step.kind === 'form') return handoff(deps, facts, step.form, landing, pagePath);
      return continuePage(deps, facts, [link(step.landing, t('splash.continue'), true)], step.text, { pagePath });
    }
  }
}

/**
 * A client-side POST grant (Cisco WLC, pfSense, MikroTik with a password): a form to the gateway
 * with one button. This page's CSP allows that form target only.
 */
function handoff(
  deps: TravelerDeps,
  facts: RequestFacts,
  form: ContinueControl,
  landing: string,
  pagePath: string,
): Answer {
  const t = deps.ref.current.translator.forLocale(noticeLocale(facts));
  return continuePage(
    deps,
    facts,
    [
      { control: form, label: t('splash.continue'), primary: true },
      { control: { method: 'GET', action: landing, fields: [] }, label: t('grant.original'), primary: false },
    ],
    undefined,
    { pagePath, policy: { formOrigin: new URL(form.action).origin } },
  );
}

/** "Continue": the page of a grant the traveler completes with one more tap (a link or a form). */
function continuePage(
  deps: TravelerDeps,
  facts: RequestFacts,
  actions: NoticeContent['actions'],
  marker: string | undefined,
  options: NoticeOptions,
): Answer {
  const t = deps.ref.current.translator.forLocale(noticeLocale(facts));
  const content = {
    docTitle: t('splash.continue'),
    headline: t('splash.continue'),
    paragraphs: [t('splash.continueHint')],
  };
  return noticeAnswer(deps, facts, 200, { ...content, actions, ...(marker !== undefined ? { marker } : {}) }, options);
}
