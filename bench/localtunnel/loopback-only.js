// Makes every server that listens without a host listen on 127.0.0.1 only.
const net = require('net');
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'function' || args.length === 0) {
    return listen.call(this, 0, '127.0.0.1', ...args);
  }
  if (typeof args[0] === 'number' && (args.length === 1 || typeof args[1] === 'function')) {
    return listen.call(this, args[0], '127.0.0.1', ...args.slice(1));
  }
  if (typeof args[0] === 'object' && args[0] !== null && !args[0].host && !args[0].path) {
    args[0] = Object.assign({}, args[0], { host: '127.0.0.1' });
  }
  return listen.apply(this, args);
};
