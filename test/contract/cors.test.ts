import { corsAllowMethods, corsPolicy } from '../../lib/contract/cors';

const cors = { origins: ['https://app.example.com'], methods: ['GET', 'POST'], headers: ['Authorization', 'Content-Type'], expose_headers: ['Retry-After'], credentials: true, max_age: 600 };

describe('the CORS policy', () => {
  it('answers a preflight with 204, the configured methods plus OPTIONS, headers, max age and credentials', () => {
    expect(corsPolicy(cors as never)).toEqual({
      preflightStatus: 204,
      allowOrigins: ['https://app.example.com'],
      allowMethods: ['GET', 'POST', 'OPTIONS'],
      allowHeaders: ['Authorization', 'Content-Type'],
      exposeHeaders: ['Retry-After'],
      allowCredentials: true,
      maxAgeSeconds: 600,
    });
  });

  it('lists OPTIONS once, also when the config lists it', () => {
    expect(corsAllowMethods({ methods: ['OPTIONS', 'GET'] } as never)).toEqual(['OPTIONS', 'GET']);
  });
});
