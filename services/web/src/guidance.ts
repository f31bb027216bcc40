/** Plain words for the service's guidance codes, most important first. */
const MESSAGES: [string, string][] = [
  ['no_face', 'No face found: face the camera.'],
  ['frame_gap', 'Frames are arriving with gaps (slow connection or busy service): the measurement resumes when they flow steadily.'],
  ['face_too_small', 'Move closer to the camera.'],
  ['too_dark', 'Too dark: turn towards a light.'],
  ['too_bright', 'Too bright: avoid direct light on your face.'],
  ['hold_still', 'Too much movement: hold still.'],
  ['weak_signal', 'The pulse is not clear yet: keep still, face the light.'],
  ['multiple_faces', 'Several faces in view: the closest one is measured.'],
];

export function guidanceText(codes: string[]): string {
  return MESSAGES.filter(([code]) => codes.includes(code)).map(([, text]) => text)[0] ?? '';
}
