#!/bin/sh
# Claude Code: add the server for your user (all projects). Everything after `--` is the command it launches.
claude mcp add --scope user remote-mcp -- "$HOME/.local/bin/mcp-bridge" https://mcp.example.com/mcp
