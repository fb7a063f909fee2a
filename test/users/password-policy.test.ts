// The password policy table (every data-error code the static rules produce) and temporary passwords.
import t from 'tap';
import { POLICY_HINTS, checkPasswordRules, characterClasses } from '../../src/users/password-policy.js';
import { TEMPORARY_PASSWORD_LENGTH, temporaryPassword } from '../../src/users/temporary-password.js';
import { PASSWORD_ERRORS } from '../../src/pages/types.js';

t.test('policy table', async (t) => {
  const cases: Array<[string, string | undefined, string]> = [
    ['Abcdef1!', undefined, 'eight characters, four classes'],
    ['abcdef12', 'classes', 'two classes only'],
    ['abcdefg!', 'classes', 'lower + symbol only'],
    ['Abcdefg1', undefined, 'upper, lower, digit'],
    ['abcdef1!', undefined, 'lower, digit, symbol'],
    ['ABCDEF1!', undefined, 'upper, digit, symbol'],
    ['Abc1!', 'length', 'too short'],
    ['Abcdefghij1!Abcdefghi', 'length', '21 characters'],
    ['Abcdefghij1!Abcdefgh', undefined, '20 characters'],
    ['Abcdef1!ａ', 'charset', 'full-width letter'],
    ['パスワード1234Ab', 'charset', 'Japanese'],
    ['Abcd ef1!', 'charset', 'space'],
    ['Abcdef1!\t', 'charset', 'tab'],
    ['User.01a', 'same-as-user-id', 'equal to the user ID'],
    ['user.01A', 'same-as-user-id', 'equal to the user ID ignoring case'],
    ['x'.repeat(129), 'length', 'over 128 bytes'],
  ];
  for (const [password, expected, why] of cases) {
    t.equal(checkPasswordRules(password, 'User.01A'), expected, why);
  }
});

t.test('every code has a hint telling the user what to do', async (t) => {
  for (const code of PASSWORD_ERRORS) t.ok(POLICY_HINTS[code].length > 10, code);
});

t.test('temporary passwords meet the policy and differ', async (t) => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const p = temporaryPassword('alice');
    if (p.length !== TEMPORARY_PASSWORD_LENGTH || checkPasswordRules(p, 'alice') !== undefined || characterClasses(p) !== 4) t.fail(`bad temporary password ${p}`);
    seen.add(p);
  }
  t.equal(seen.size, 200);
});
