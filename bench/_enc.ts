import { JournalEncoder } from '../src/log/encoder.ts';
import { memorySink } from '../src/log/writer.ts';
import { makeHeader } from '../src/log/header.ts';
import type { TapCall } from '../src/log/tap.ts';
const types = ['batch_start', 'loss_calculated', 'optim_pre_step', 'optim_post_step', 'batch_end'];
const codes = [3, 4, 9, 10, 5];
for (let r = 0; r < 5; r++) {
  const enc = new JournalEncoder(memorySink(), makeHeader({ recipe: null, settings: {} } as never));
  const c: TapCall = { call: null, type: '', code: -1, options: null, step: undefined, same: false, words: new Int32Array([3 | (1 << 4)]), count: 1, generic: [], m: undefined };
  const t = process.cpuUsage();
  for (let g = 0; g < 100000; g++) {
    for (let i = 0; i < 5; i++) {
      c.type = types[i]; c.code = codes[i]; c.step = g; c.same = g > 0;
      c.options = i === 0 ? { globalStep: g, batchData: null } : i === 1 ? { globalStep: g, loss: 0.5 } : { globalStep: g };
      enc.tapCall(c);
    }
  }
  enc.end(500000);
  const u = process.cpuUsage(t); console.log('ns/call', ((u.user + u.system) * 1000 / 500000).toFixed(1), enc.bytesWritten);
}
