export { QuIPModifier } from './base.ts';
