"""The Python-prototype class of pipeline, for comparison in `npm run bench`: OpenCV's Haar cascade
face detector on every frame (no tracking), a forehead box from the face box, its mean green value.
Usage: python3 bench/prototype_baseline.py <folder of frame-*.jpg>; prints one JSON line.
Needs Debian's python3-opencv and opencv-data (or pip's opencv-python)."""
import glob
import json
import os
import sys
import time

import cv2
import numpy as np

CASCADES = [
    os.path.join(getattr(getattr(cv2, "data", None), "haarcascades", ""), "haarcascade_frontalface_default.xml"),
    "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml",
]


def main(folder: str) -> None:
    path = next((p for p in CASCADES if os.path.exists(p)), None)
    if path is None:
        print(json.dumps({"error": "haarcascade_frontalface_default.xml not found (apt-get install opencv-data)"}))
        return
    cascade = cv2.CascadeClassifier(path)
    cv2.setNumThreads(1)
    frames = [open(f, "rb").read() for f in sorted(glob.glob(os.path.join(folder, "frame-*.jpg")))]
    times, found = [], 0
    for i, data in enumerate(frames * 2):
        t0 = time.perf_counter()
        img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
        grey = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
        faces = cascade.detectMultiScale(grey, scaleFactor=1.1, minNeighbors=5, minSize=(30, 30))
        if len(faces):
            x, y, w, h = max(faces, key=lambda f: f[2] * f[3])
            forehead = img[y + h // 10 : y + h // 4, x + w // 4 : x + 3 * w // 4]
            float(forehead[:, :, 1].mean())
            found += i >= len(frames)
        if i >= len(frames):  # the first pass warms up
            times.append((time.perf_counter() - t0) * 1000)
    print(json.dumps({"frames": len(times), "mean_ms": sum(times) / len(times), "face_found": found / len(times), "opencv": cv2.__version__}))


if __name__ == "__main__":
    main(sys.argv[1])
