/** The baseline of the HTTP benchmark: a bare Express "hello" server. */
import express from 'express';

const port = Number(process.argv[2] ?? 18081);
express()
  .get('/', (_req, res) => {
    res.send('hello');
  })
  .listen(port, '127.0.0.1', () => console.log(`bare express on ${port}`));
