import { escapeHtml, renderLoginPage } from '../../local/login-page';
import { parseSeed } from '../../local/seed';
import { demoUserPassword, findUserByCredentials } from '../../local/user-passwords';

describe('passwords of the demo users', () => {
  const { users } = parseSeed([
    'users:',
    '  - { id: demo-user, email: demo.user@example.com }',
    '  - { id: ops, email: ops@example.com, password: correct-horse-battery-staple }',
  ].join('\n'), 'seed.yaml');

  it('defaults to local-<id>-password, and a seed password replaces it', () => {
    expect(demoUserPassword('demo-user')).toBe('local-demo-user-password');
    expect(findUserByCredentials(users, 'demo-user', 'local-demo-user-password')?.id).toBe('demo-user');
    expect(findUserByCredentials(users, 'ops', 'correct-horse-battery-staple')?.id).toBe('ops');
    expect(findUserByCredentials(users, 'ops', demoUserPassword('ops'))).toBeUndefined();
  });

  it('takes the id or the email (any case) as the username', () => {
    expect(findUserByCredentials(users, 'Demo.User@Example.com', 'local-demo-user-password')?.id).toBe('demo-user');
    expect(findUserByCredentials(users, 'DEMO-USER', 'local-demo-user-password')).toBeUndefined();
  });

  it('finds nobody for an unknown user, a wrong password or an empty one', () => {
    expect(findUserByCredentials(users, 'nobody', demoUserPassword('nobody'))).toBeUndefined();
    expect(findUserByCredentials(users, 'demo-user', 'local-demo-user-passwordx')).toBeUndefined();
    expect(findUserByCredentials(users, 'demo-user', '')).toBeUndefined();
  });

  it('refuses an empty password in the seed at its line', () => {
    expect(() => parseSeed('users:\n  - { id: a, email: a@example.com, password: "" }\n', 'seed.yaml')).toThrow(/seed\.yaml:2 users\[0\]\.password: /);
  });
});

describe('the login page markup', () => {
  it('escapes every value it shows', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    const html = renderLoginPage({
      uid: 'abc', clientId: '<client>', issuer: 'http://127.0.0.1:8081', username: '"><script>', error: '<b>no</b>',
      users: [{ id: 'u<1>', email: 'u@example.com' }],
    });
    expect(html).not.toMatch(/<script|<b>|<client>|u<1>/);
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;"');
    expect(html).toContain('<code>local-u&lt;1&gt;-password</code>');
  });
});
