// A real OpenID Connect provider (oidc-provider) on loopback for the single sign-on tests.
//
// Started by tests/accounts/conftest.py: listens on a free port of 127.0.0.1, prints one JSON
// line {"issuer": ...} on stdout when it is ready, and exits on SIGTERM or when its stdin
// closes (the test process ended). Accounts, passwords, groups and the client are in
// accounts.json; the client's redirect URIs come from REDIRECT_URIS and
// POST_LOGOUT_REDIRECT_URIS (JSON lists), since the test server's port is only known then.
// It requires PKCE of every client, as the application must always use it.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const { client, accounts } = JSON.parse(
  readFileSync(new URL('./accounts.json', import.meta.url), 'utf8'),
);

const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const page = (title, body) => `<!doctype html>
<html lang="da"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;

const loginForm = (uid, error = '', login = '') => page('Log ind hos testudbyderen', `
  ${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
  <form method="post" action="/interaction/${escapeHtml(uid)}">
    <label for="login">Brugernavn</label> <input id="login" name="login" value="${escapeHtml(login)}" autocomplete="username">
    <label for="password">Adgangskode</label> <input id="password" name="password" type="password" autocomplete="current-password">
    <button type="submit">Log ind hos testudbyderen</button>
  </form>`);

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-signing-key', alg: 'RS256', use: 'sig' };

const configuration = {
  clients: [{
    client_id: client.client_id,
    client_secret: client.client_secret,
    redirect_uris: JSON.parse(process.env.REDIRECT_URIS || '[]'),
    post_logout_redirect_uris: JSON.parse(process.env.POST_LOGOUT_REDIRECT_URIS || '[]'),
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: 'RS256',
  }],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  claims: {
    openid: ['sub'],
    profile: ['name', 'given_name', 'family_name'],
    email: ['email', 'email_verified'],
    groups: ['groups'],
  },
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource: async (ctx, form) => {
        ctx.body = page('Log ud hos testudbyderen', `${form}
          <button type="submit" form="op.logoutForm" name="logout" value="yes">Ja, log mig ud</button>`);
      },
      postLogoutSuccessSource: async (ctx) => {
        ctx.body = page('Du er logget ud hos testudbyderen', '');
      },
    },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, sub) {
    const account = accounts[sub];
    if (!account) return undefined;
    return { accountId: sub, claims: async () => ({ sub, ...account.claims }) };
  },
  // A first-party client: the user is not asked to consent, the grant covers what it asks for.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope(ctx.oidc.requestParamScopes ? [...ctx.oidc.requestParamScopes].join(' ') : 'openid');
    await grant.save();
    return grant;
  },
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Fejl hos testudbyderen', `<pre>${escapeHtml(JSON.stringify(out))}</pre>`);
  },
  ttl: {
    AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600,
  },
};

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

async function interaction(provider, req, res, uid) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid || details.prompt.name !== 'login') {
    res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Ukendt log ind-forsøg');
    return;
  }
  res.setHeader('Cache-Control', 'no-store');
  if (req.method === 'POST') {
    const form = await readForm(req);
    const login = form.get('login') || '';
    const account = Object.hasOwn(accounts, login) ? accounts[login] : undefined;
    if (account && account.password === form.get('password')) {
      await provider.interactionFinished(req, res, { login: { accountId: login } }, {
        mergeWithLastSubmission: false,
      });
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
      .end(loginForm(uid, 'Forkert brugernavn eller adgangskode.', login));
    return;
  }
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(loginForm(uid));
}

const server = createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, configuration);
  const handle = provider.callback();
  server.on('request', (req, res) => {
    const match = /^\/interaction\/([\w-]+)$/.exec(new URL(req.url, issuer).pathname);
    if (!match) {
      handle(req, res);
      return;
    }
    interaction(provider, req, res, match[1]).catch((error) => {
      console.error(error);
      if (!res.headersSent) res.writeHead(400, { 'Content-Type': 'text/plain' });
      res.end(String(error.message));
    });
  });
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

function stop() {
  // Open keep-alive connections would hold close() up; they are not waited for long.
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 500).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();
