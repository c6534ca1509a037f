/** Registers the pruning modifiers as built-ins (ModifierFactory.refresh scans this module). */
import { registerBuiltinModule } from '../factory.ts';
import * as pruning from './index.ts';

registerBuiltinModule(() => ({ ...pruning }));
