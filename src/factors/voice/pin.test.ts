import { pinProblem } from './pin.js';

test.each([
  ['2468', undefined],
  ['40719', undefined],
  ['73910458', undefined],
  ['123', 'A PIN is 4 to 8 digits long.'],
  ['123456789', 'A PIN is 4 to 8 digits long.'],
  ['12a4', 'A PIN has digits only.'],
  ['', 'A PIN has digits only.'],
  ['0000', expect.stringMatching(/too easy/)],
  ['1234', expect.stringMatching(/too easy/)],
  ['7890', expect.stringMatching(/too easy/)],
  ['9876', expect.stringMatching(/too easy/)],
  ['121212', expect.stringMatching(/pair of digits/)],
])('PIN %s', (pin, problem) => {
  expect(pinProblem(pin)).toEqual(problem);
});
