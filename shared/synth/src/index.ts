export * from './face-template.ts';
export * from './physiology.ts';
export * from './random.ts';
export * from './scenarios.ts';
export * from './scene.ts';
export * from './y4m.ts';
export * from './traces.ts';
export * from './video-file.ts';
