/**
 * Released server migrations are never edited: databases in service have run their SQL, and a
 * changed statement would leave those databases on a schema nothing else describes. Each
 * migration's statements are pinned by their SHA-256 here; a new migration adds a line.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../server/db/migrations';

/** sha256 of JSON.stringify(statements), recorded when each migration was released. */
const RELEASED: Readonly<Record<number, string>> = {
  1: '04ad375be677a174dcadb906ebb30ae71c9db6ec01402a85d4942ee1a13dd1fb',
  2: '6f0423dc39d3dec7cd1d8f7bd3a9dd0b8ec99af668007300cb5557e03a7a90e4',
  3: '02a93d65f840ee75b041adc4fc59c770b1378ce4b89b261de052ef7fb81ff56e',
  4: 'fcdc1d9e0a36bf3fd030005fc755ee6e6e6690d6cd84991ceec42de9fa81ff5d',
  5: 'd11bea8234120e46f7b36e7ba0a271318bd34386ccc0c6981f23ab333a7c5abb',
  6: '3f96a529cfd27851c44abdb195ed03be287027cbc99678adfda0990497c81647',
  7: 'd7dddf786f10e39d81291408a6514ab858ad3c189c17e206cc960be8ab766c15',
  8: 'fe384af36762011a252ce10ce3fbd351f3ac415fb3e917512f14025b27b70927',
  9: 'af4b854888f0cbe1a208cc62f0d4982508167ba1fdb35d1dc5b161271f90ef3f',
  10: 'f4042ce9e5308d7e45620396a1ce4ac5627e0bbec7564e514990c0e5ad867edd',
  11: '57338c5cdf92dc6ea28af84da502461cfbb1fb219b8df96a94a2934fba937c2a',
  12: '98ae6c445a26d5aafb3c376413c5991a148bfe116f5fd21fd20a4b23a2f080bd',
  13: 'c944f27ba9f873e261ba9a57d1cc51f13a59a073e928b91b12175597bcf67356',
  14: '3ae60fa88eb59b615b368859110e8d4ac776d030099d42a06f0f39c0f81fd14e',
  15: 'a7d721253f7c90fbd244c6f24e5f612ec233737e78cef92ac715833eb53e66d7',
  16: 'dbb8c77cd2c3ff0d2f6b3e83dc11a851814018d2b0e118216463540615f5034b',
  17: '08bda24a707d0f7b44b53ae55302b695105729ee619eacf03193d223dcc54b6f',
  18: '3b38ccfa05fe7c646447d6085732560eafda9cd05656fcfc0438be9f8055ba9b',
  19: 'a84a907a6d4e1f93ad49e6e3baebba4214ef166bce3ce8173a312d7609051e13',
  20: '979b15fdf9c82bf60bd709a1a0ada3ccc958a7097c2c4a04e472e8cfb2aa1bef',
  21: '351ea11a6f8aee5c89cbbc816457ffe89b59ebb342aa094c300c7b5751cd7f5b',
  22: '114eeccbe9b5651fe1026f8522dd4c34b0cd22d139c871647b41f93766065285',
  23: '9926061b8bac546ba77395affab5e361f12d650bd331be02e49f395c1fb0c304',
  24: 'c3de1b25cd2d2c195eee2cababa652465c54c4bec4cab24f519563af47ed8eb0',
  25: '6b2cf6e3b0daea5e2633586c6d479eccf8086a045b7316160d375c9b42c16a92',
  26: '43ae70156578cfe7b38dc5f29fb032a2af38b3936e07aa3149674f58d494eecc',
  27: 'e8ca8a575a66230819520ee6791015a0d1189fae4c68be97ad86207dce501c3e',
  28: '6923c7fa8ff33736213f72c0c8e22873ffeec781b5dbe0c3ca94d2fb8df7efe1',
};

const digest = (statements: readonly string[]) => createHash('sha256').update(JSON.stringify(statements)).digest('hex');

describe('released server migrations', () => {
  it('run in order: versions 1, 2, 3, … with none missing or repeated', () => {
    expect(MIGRATIONS.map((migration) => migration.version)).toEqual(MIGRATIONS.map((_, index) => index + 1));
  });

  it('every migration is pinned (a new one adds its digest to RELEASED)', () => {
    expect(MIGRATIONS.map((migration) => migration.version)).toEqual(Object.keys(RELEASED).map(Number));
  });

  it.each(MIGRATIONS.map((migration) => [migration.version, migration] as const))(
    'migration %i runs exactly the SQL it was released with',
    (version, migration) => {
      expect(digest(migration.statements)).toBe(RELEASED[version]);
    },
  );
});
