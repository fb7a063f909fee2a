// PKCS#12 (.p12) writer for any key type: forge's toPkcs12Asn1 only takes RSA keys and certificates,
// so this assembles the same structure from a PKCS#8 key and DER certificates.
import { createHash, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { type Asn1, Class, Type, parseDer, toDer } from './asn1.js';
import { explicit, integer, oid, seq } from './x509-builder.js';

const { asn1, pki } = forge;
const bin = (b: Buffer): string => b.toString('binary');
const octets = (b: Buffer | string): Asn1 =>
  asn1.create(Class.UNIVERSAL, Type.OCTETSTRING, false, typeof b === 'string' ? b : bin(b));

/** ContentInfo of type data wrapping `content`. */
const dataContent = (content: Asn1): Asn1 => seq([oid(pki.oids.data!), explicit(0, octets(toDer(content)))]);

function attributes(localKeyId: Buffer, friendlyName: string | undefined): Asn1 {
  const attrs = [seq([oid(pki.oids.localKeyId!), asn1.create(Class.UNIVERSAL, Type.SET, true, [octets(localKeyId)])])];
  if (friendlyName) {
    attrs.push(
      seq([
        oid(pki.oids.friendlyName!),
        asn1.create(Class.UNIVERSAL, Type.SET, true, [asn1.create(Class.UNIVERSAL, Type.BMPSTRING, false, friendlyName)]),
      ]),
    );
  }
  return asn1.create(Class.UNIVERSAL, Type.SET, true, attrs);
}

/**
 * A password-protected PKCS#12: key shrouded with pbeWithSHAAnd3-KeyTripleDES-CBC and a SHA-1 MAC,
 * the combination Windows, macOS Keychain, Firefox, Chrome and OpenSSL 3 all import without flags.
 */
export function buildPkcs12(opts: { key: KeyObject; certs: Buffer[]; password: string; friendlyName?: string }): Buffer {
  const [leaf, ...chain] = opts.certs;
  if (!leaf) throw new Error('buildPkcs12 needs at least the leaf certificate');
  const localKeyId = createHash('sha1').update(leaf).digest();
  const attrs = attributes(localKeyId, opts.friendlyName);
  const certBag = (der: Buffer, withAttrs: boolean): Asn1 =>
    seq([
      oid(pki.oids.certBag!),
      explicit(0, seq([oid(pki.oids.x509Certificate!), explicit(0, octets(der))])),
      ...(withAttrs ? [attrs] : []),
    ]);
  const certSafe = seq([certBag(leaf, true), ...chain.map((c) => certBag(c, false))]);

  const keyInfo = parseDer(opts.key.export({ type: 'pkcs8', format: 'der' }));
  const shrouded = pki.encryptPrivateKeyInfo(keyInfo, opts.password, { algorithm: '3des', count: 2048, saltSize: 8 });
  const keySafe = seq([seq([oid(pki.oids.pkcs8ShroudedKeyBag!), explicit(0, shrouded), attrs])]);

  const safe = seq([dataContent(certSafe), dataContent(keySafe)]);
  const safeDer = toDer(safe);

  const count = 2048;
  const salt = forge.random.getBytesSync(8);
  const macKey = forge.pkcs12.generateKey(opts.password, forge.util.createBuffer(salt), 3, count, 20);
  const hmac = forge.hmac.create();
  hmac.start('sha1', macKey.getBytes());
  hmac.update(bin(safeDer));
  const macData = seq([
    seq([seq([oid(pki.oids.sha1!), asn1.create(Class.UNIVERSAL, Type.NULL, false, '')]), octets(hmac.digest().getBytes())]),
    octets(salt),
    integer(Buffer.from(asn1.integerToDer(count).getBytes(), 'binary')),
  ]);
  const pfx = seq([integer(Buffer.from([3])), seq([oid(pki.oids.data!), explicit(0, octets(safeDer))]), macData]);
  return toDer(pfx);
}
