// Jest's global teardown. Every suite closes what it opened, so jest ends by itself; if something
// stays open anyway, say so once and end the run instead of leaving CI waiting. (jest's own
// forceExit printed "Force exiting Jest" after every run, with nothing open or not.)
export default function exitWhenDone() {
  setTimeout(() => {
    process.stderr.write('jest: something was still open 5 s after the last test (find it with --detectOpenHandles); ending the run\n');
    process.exit();
  }, 5000).unref();
}
