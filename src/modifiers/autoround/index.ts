export { AutoRoundModifier } from './base.ts';
