// Conversations shared by the prompt tests and the Python twin test.
import type { Turn } from '../../src/tokens/prompt.ts';

export interface TestConversation {
  image: boolean;
  turns: Turn[];
  question: string;
}

export const CONVERSATIONS: TestConversation[] = [
  { image: true, turns: [], question: 'What is in this picture?' },
  {
    image: true,
    turns: [
      { question: 'What does the chart show?', answer: 'The chart shows the number of users per day.' },
      { question: 'Which day is highest?', answer: 'Friday, with 1234 users.' },
    ],
    question: 'Why?',
  },
  { image: false, turns: [{ question: 'Hello!', answer: 'Hi, how can I help?' }], question: 'Tell me a joke.' },
  {
    image: true,
    turns: [
      { question: 'この画像は何ですか？', answer: '漢字のテスト 🚀👩‍💻 です。' },
      { question: 'Read the code', answer: 'def f(x):\n\treturn x  # ok\n\n    print(f(2))' },
    ],
    question: 'Ünïcödé — and Arabic مرحبا?',
  },
  {
    image: true,
    turns: [
      {
        question: 'What does <image> mean in HTML? And <|endofchunk|>?',
        answer: 'They are <image> and <|endofchunk|>.',
      },
    ],
    question: '  spaces around  ',
  },
  {
    image: false,
    turns: [
      { question: 'Say nothing', answer: '' },
      { question: 'Now one space', answer: ' ' },
      { question: 'Trailing', answer: 'done.  ' },
    ],
    question: '',
  },
];
