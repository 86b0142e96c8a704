// One file-name case: kebab-case (`image-cache.ts`, `ocr-context.test.ts`). Written here because the
// well-kept rule for it (eslint-plugin-unicorn's filename-case) needs a newer Node than the one we support.
import { basename } from 'node:path';

const KEBAB = /^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+)*$/;

export const fileNamesPlugin = {
  rules: {
    kebab: {
      meta: { type: 'suggestion', docs: { description: 'file names are kebab-case' }, schema: [] },
      create(context) {
        const name = basename(context.filename);
        return KEBAB.test(name)
          ? {}
          : {
              Program: (node) =>
                context.report({
                  node,
                  message: `${name}: file names are kebab-case (words in lower case joined by "-")`,
                }),
            };
      },
    },
  },
};
