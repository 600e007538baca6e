// Event timestamps are nanoseconds since the epoch: larger than the integers a JavaScript number
// holds exactly. Parsing keeps each such number's exact text beside the object, and the JSON
// export writes that text back, so exported events carry the node agent's values to the digit.
// Browsers without JSON source text access (before Chromium 114, Firefox 135) round them.

const exactNumbers = new WeakMap();
const sourceTextAccess = typeof JSON.rawJSON === 'function';

export function parseExact(text) {
  if (!sourceTextAccess) return JSON.parse(text);
  return JSON.parse(text, function keepExact(key, value, context) {
    if (Number.isInteger(value) && !Number.isSafeInteger(value) && context?.source) {
      let numbers = exactNumbers.get(this);
      if (!numbers) {
        numbers = new Map();
        exactNumbers.set(this, numbers);
      }
      numbers.set(key, context.source);
    }
    return value;
  });
}

export function stringifyExact(value, indent) {
  if (!sourceTextAccess) return JSON.stringify(value, null, indent);
  return JSON.stringify(
    value,
    function writeExact(key, current) {
      const exact = exactNumbers.get(this)?.get(key);
      return exact !== undefined && typeof current === 'number' ? JSON.rawJSON(exact) : current;
    },
    indent,
  );
}
