"""Checks wb-video's MP4 files (the `mp4` feature) with ffmpeg, and compares them with the SDK's.

    cargo run --release -p wb-video --features mp4 --example mp4_files -- DIR
    WANDB_MODE=offline WANDB_SILENT=true python verify_with_ffmpeg.py DIR

Needs wandb==0.31.0, numpy, imageio and imageio-ffmpeg (the SDK's own video stack; imageio-ffmpeg
brings an ffmpeg binary). For each case of the example it checks that ffmpeg decodes our file
without a single error or warning, with the frame count, size and frame rate the SDK's file of
the same frames has (the size padded to even, as H.264 in 4:2:0 needs; the SDK writes odd
sizes in 4:4:4), and that the decoded frames are close to the input: PSNR at least MIN_PSNR,
and within MARGIN dB of the SDK's own file (even sizes). It prints both files' sizes, PSNRs and encode times.
Exits non-zero on any failure.
"""
import json, os, subprocess, sys, tempfile, time
import numpy as np
import imageio
import imageio_ffmpeg
import wandb

MIN_PSNR = {"noise_32x32": 15.0}  # 4:2:0 chroma cannot hold per-pixel colour noise
DEFAULT_MIN_PSNR = 33.0
# dB under the SDK's PSNR that we accept (OpenH264 Baseline at a fixed QP vs libx264 High at
# CRF 23). Not checked for odd sizes: the SDK's file is 4:4:4 there (full-resolution colour),
# ours 4:2:0, so its PSNR is not comparable.
MARGIN = 3.0
FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()


def decode(path):
    """(frames (N, H, W, 3) uint8, fps, (width, height)) as ffmpeg reads them."""
    r = imageio.get_reader(path, "ffmpeg")
    meta = r.get_meta_data()
    frames = np.stack([f for f in r.iter_data()])
    r.close()
    return frames, meta["fps"], tuple(meta["size"])


def strict_decode_errors(path):
    """Everything ffmpeg reports at warning level or above while decoding every frame."""
    p = subprocess.run([FFMPEG, "-v", "warning", "-xerror", "-i", path, "-f", "null", "-"],
                       capture_output=True, text=True)
    return (p.stderr.strip() + ("" if p.returncode == 0 else f" (exit {p.returncode})")).strip()


def psnr(decoded, raw):
    n, h, w, _ = raw.shape
    d = decoded[:n, :h, :w, :].astype(np.float64)
    mse = ((d - raw.astype(np.float64)) ** 2).mean(axis=(1, 2, 3))
    return 10 * np.log10(255.0 ** 2 / np.maximum(mse, 1e-12))


def main():
    folder = sys.argv[1]
    cases = json.load(open(os.path.join(folder, "cases.json")))
    failures = []
    print(f"{'case':<16} {'frames':>6} {'size':>9} {'fps':>5}  {'our PSNR':>8} {'SDK PSNR':>8}"
          f" {'our bytes':>9} {'SDK bytes':>9} {'our ms':>7} {'SDK ms':>7}")
    for c in cases:
        name, t, h, w, fps = c["name"], c["t"], c["height"], c["width"], c["fps"]
        raw = np.fromfile(os.path.join(folder, name + ".rgb"), dtype=np.uint8).reshape(t, h, w, 3)
        ours = os.path.join(folder, name + ".mp4")
        # The SDK on the same array (its own layout: (B, T, C, H, W) or (T, C, H, W)).
        array = raw.transpose(0, 3, 1, 2).copy()
        t0 = time.perf_counter()
        video = wandb.Video(array, format="mp4", fps=fps)
        sdk_ms = (time.perf_counter() - t0) * 1000
        sdk = video._path
        o_frames, o_fps, o_size = decode(ours)
        s_frames, s_fps, s_size = decode(sdk)
        errors = strict_decode_errors(ours)
        if errors:
            failures.append(f"{name}: ffmpeg reports: {errors}")
        if len(o_frames) != len(s_frames):
            failures.append(f"{name}: {len(o_frames)} frames, the SDK's file has {len(s_frames)}")
        if abs(o_fps - s_fps) > 1e-9:
            failures.append(f"{name}: {o_fps} fps, the SDK's file has {s_fps}")
        if o_size != (w + w % 2, h + h % 2):
            failures.append(f"{name}: {o_size[0]}x{o_size[1]}, expected {w + w % 2}x{h + h % 2}")
        if s_size != (w, h):
            failures.append(f"{name}: the SDK's file is {s_size[0]}x{s_size[1]}, not {w}x{h}")
        n = min(len(o_frames), len(s_frames))
        p_ours, p_sdk = psnr(o_frames, raw[:n]), psnr(s_frames, raw[:n])
        floor = MIN_PSNR.get(name, DEFAULT_MIN_PSNR)
        if p_ours.min() < floor:
            failures.append(f"{name}: PSNR {p_ours.min():.2f} dB < {floor}")
        if w % 2 == 0 and h % 2 == 0 and p_ours.mean() < p_sdk.mean() - MARGIN:
            failures.append(f"{name}: mean PSNR {p_ours.mean():.2f} dB, the SDK's {p_sdk.mean():.2f}")
        print(f"{name:<16} {len(o_frames):>6} {o_size[0]:>4}x{o_size[1]:<4} {o_fps:>5g}"
              f"  {p_ours.mean():>8.2f} {p_sdk.mean():>8.2f} {os.path.getsize(ours):>9}"
              f" {os.path.getsize(sdk):>9} {c['ms']:>7.1f} {sdk_ms:>7.1f}")
    for f in failures:
        print("FAIL", f)
    print(f"{len(cases) - len({f.split(':')[0] for f in failures})} of {len(cases)} cases pass")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
