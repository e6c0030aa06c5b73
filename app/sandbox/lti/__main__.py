"""Run the sandbox LTI platform on a loopback port: `python -m app.sandbox.lti --tool http://localhost:5000`."""

from __future__ import annotations

import argparse
import json
import threading

from app.sandbox.lti.platform import SandboxPlatform


def main() -> None:
    """Serve the platform until interrupted; print the tool's registration and the launch pages."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tool", default="http://localhost:5000", help="the tool's base URL")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args()
    tool = args.tool.rstrip("/")
    platform = SandboxPlatform(tool_login_url=f"{tool}/lti/login", tool_launch_url=f"{tool}/lti/launch")
    with platform.serve(port=args.port) as url:
        print("[[institution.lti]] for the tool's configuration:")
        print(json.dumps(platform.registration(), indent=2))
        print(f'[web] frame_ancestors = ["{url}"]')
        print(f"Launch pages: {url}/")
        threading.Event().wait()


if __name__ == "__main__":
    main()
