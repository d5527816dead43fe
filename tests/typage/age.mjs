// A tiny command line over typage (npm age-encryption), so the .NET tests can drive an independent age
// implementation the way they drive /usr/bin/age:
//   node age.mjs keygen                  prints "# public key: age1pq1…" and a new hybrid identity, as age-keygen -pq
//   node age.mjs encrypt [-a] -r R...    stdin → stdout, sealed to the recipients (armored with -a)
//   node age.mjs decrypt -i FILE         stdin (binary or armored) → stdout, with the identities in FILE
import { readFileSync, writeSync } from "node:fs";
import { Encrypter, Decrypter, armor, generateHybridIdentity, identityToRecipient } from "age-encryption";

const [command, ...args] = process.argv.slice(2);

function option(name) {
  const values = [];
  for (let i = 0; i < args.length; i++) if (args[i] === name) values.push(args[++i]);
  return values;
}

function write(bytes) {
  for (let offset = 0; offset < bytes.length; ) offset += writeSync(1, bytes, offset);
}

if (command === "keygen") {
  const identity = await generateHybridIdentity();
  process.stdout.write("# public key: " + (await identityToRecipient(identity)) + "\n" + identity + "\n");
} else if (command === "encrypt") {
  const encrypter = new Encrypter();
  for (const recipient of option("-r")) encrypter.addRecipient(recipient);
  const sealed = await encrypter.encrypt(readFileSync(0));
  if (args.includes("-a")) process.stdout.write(armor.encode(sealed));
  else write(sealed);
} else if (command === "decrypt") {
  const decrypter = new Decrypter();
  for (const file of option("-i"))
    for (const line of readFileSync(file, "utf8").split("\n"))
      if (line.trim() !== "" && !line.startsWith("#")) decrypter.addIdentity(line.trim());
  let input = readFileSync(0);
  const text = input.toString("latin1").trimStart();
  if (text.startsWith("-----BEGIN AGE ENCRYPTED FILE-----")) input = armor.decode(text);
  write(await decrypter.decrypt(input));
} else {
  process.stderr.write("usage: node age.mjs keygen | encrypt [-a] -r RECIPIENT... | decrypt -i FILE\n");
  process.exit(2);
}
