// Random container names like "brave_lovelace" for containers created without --name (pure, given
// a random source).

const ADJECTIVES = [
  'agile', 'amber', 'ardent', 'bold', 'brave', 'bright', 'brisk', 'calm', 'candid', 'careful', 'cheerful',
  'clever', 'cosmic', 'crisp', 'curious', 'daring', 'deft', 'eager', 'earnest', 'elated', 'epic', 'fair',
  'fearless', 'fervent', 'festive', 'fluent', 'focused', 'frosty', 'gallant', 'gentle', 'gifted', 'glad',
  'golden', 'graceful', 'happy', 'hardy', 'honest', 'humble', 'jolly', 'keen', 'kind', 'lively', 'loyal',
  'lucid', 'lucky', 'mellow', 'merry', 'mighty', 'modest', 'nimble', 'noble', 'patient', 'placid', 'plucky',
  'polite', 'proud', 'quick', 'quiet', 'radiant', 'rapid', 'ready', 'restful', 'rustic', 'serene', 'sharp',
  'shiny', 'silent', 'sincere', 'smooth', 'snowy', 'solid', 'spry', 'stable', 'steady', 'stoic', 'sturdy',
  'sunny', 'swift', 'tender', 'thrifty', 'tidy', 'tranquil', 'trusty', 'upbeat', 'valiant', 'vivid', 'warm',
  'wise', 'witty', 'zealous',
];

// People of computing and science.
const NAMES = [
  'agnesi', 'allen', 'babbage', 'backus', 'bardeen', 'bartik', 'bell', 'berners', 'booth', 'borg', 'brattain',
  'cerf', 'clarke', 'codd', 'conway', 'curie', 'dijkstra', 'easley', 'einstein', 'engelbart', 'euler',
  'faraday', 'feynman', 'franklin', 'gauss', 'goldberg', 'goodall', 'hamilton', 'hawking', 'hopper', 'hypatia',
  'jackson', 'jennings', 'johnson', 'kahan', 'kay', 'keller', 'kepler', 'knuth', 'kowalevski', 'lamarr',
  'lamport', 'leavitt', 'liskov', 'lovelace', 'maxwell', 'mccarthy', 'meitner', 'mirzakhani', 'moore',
  'neumann', 'newton', 'noether', 'noyce', 'payne', 'perlman', 'pike', 'ritchie', 'rubin', 'sammet', 'shannon',
  'shaw', 'sinoussi', 'snyder', 'spence', 'stallman', 'swartz', 'tesla', 'thompson', 'torvalds', 'turing',
  'varahamihira', 'wescoff', 'wilbur', 'williams', 'wing', 'wozniak', 'wright', 'yalow', 'yonath',
];

/** `random()` returns a float in [0, 1); `attempt` > 0 appends a digit, as retries do. */
export function randomName(random: () => number, attempt = 0): string {
  const adjective = ADJECTIVES[Math.floor(random() * ADJECTIVES.length)];
  const name = NAMES[Math.floor(random() * NAMES.length)];
  const base = `${adjective}_${name}`;
  return attempt > 0 ? `${base}${Math.floor(random() * 10)}` : base;
}
