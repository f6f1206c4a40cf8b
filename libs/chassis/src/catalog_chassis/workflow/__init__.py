"""Processes on the engine.

- `tasks`: what a saga step works with (`ExternalTask`, `BusinessError`), for application
  code;
- `engine`: the engine's REST client;
- `worker`: the external-task worker (`TaskWorker`, `Topic`);
- `process`: the body of a service's saga worker process.
"""
