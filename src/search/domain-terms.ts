/**
 * Terms jieba's general dictionary splits or does not know: the two sides of the debate, and
 * model and company names. Each stays one token so that BM25 and the builtin embedder treat
 * "闭源" or "ChatGLM3-6B" as the words they are. Lower-case: text is lower-cased before cutting.
 */
export const DOMAIN_TERMS: string[] = [
  "开源", "闭源", "大模型", "小模型", "模型", "开闭源", "半开源",
  "知识产权", "可定制性", "定制性", "定制化", "可解释性", "可审计性", "透明度", "合规性", "商业化",
  "算法创新", "数据共享", "数据隐私", "社区驱动", "技术门槛", "技术垄断", "商业模式", "盈利模式",
  "许可证", "订阅服务", "微调", "预训练", "多模态", "智能体", "问答系统", "向量数据库",
  "gpt-3", "gpt-3.5", "gpt-4", "gpt-4o", "gpt-j", "gpt-neo", "gpt-neox", "chatgpt", "openai", "closeai",
  "bert", "t5", "bloom", "lamda", "bard", "claude", "anthropic", "mum", "gemini", "palm",
  "llama", "llama2", "llama3", "llama-factory", "chinese-llama-alpaca-3", "alpaca", "vicuna", "mistral",
  "chatglm", "chatglm2-6b", "chatglm3-6b", "glm-4", "qwen", "qwen1.5", "qwen2", "qwen2.5",
  "baichuan", "baichuan2", "baichuan2-13b", "baichuan2-13b-chat", "baichuan-13b", "baichuan3", "baichuan4",
  "deepseek", "deepseek-v2", "deepseek-v2-chat", "minimax", "moonshot", "eleutherai", "bigscience",
  "huggingface", "pytorch", "tensorflow", "ollama", "xinference", "localai", "dify", "supercle", "superclue",
  "文心一言", "通义千问", "腾讯混元", "字节云雀", "月之暗面", "千帆",
];

/** Words that carry no meaning for retrieval in either language. */
export const STOP_WORDS = new Set<string>([
  // Chinese function words and question words
  "的", "了", "和", "与", "及", "或", "是", "在", "有", "也", "都", "就", "而", "及其", "以及", "等", "对", "对于",
  "为", "以", "被", "把", "从", "到", "中", "上", "下", "里", "之", "其", "这", "那", "这些", "那些", "这种", "那种",
  "一个", "一些", "一种", "可以", "可能", "能够", "通常", "使得", "进行", "通过", "因为", "所以", "但", "但是",
  "然而", "如果", "并", "并且", "还", "又", "很", "更", "最", "较", "非常", "什么", "哪些", "哪个", "哪", "如何",
  "怎么", "怎样", "为什么", "吗", "呢", "吧", "啊", "么", "请问", "请", "一下", "是否", "有没有", "多少",
  "方面", "区别", "不同", "差异", "有何", "哪类", "哪种", "应该", "采用", "什么样", "我", "你", "他", "我们", "你们",
  "它", "它们", "他们", "自己", "会", "要", "让", "给", "着", "过", "地", "得", "所", "将", "于", "该", "各",
  // English
  "a", "an", "the", "of", "to", "in", "on", "for", "and", "or", "is", "are", "was", "were", "be", "been", "do",
  "does", "did", "what", "which", "who", "whom", "why", "how", "when", "where", "that", "this", "these", "those",
  "it", "its", "with", "as", "by", "at", "from", "about", "into", "than", "then", "there", "their", "they", "them",
  "can", "could", "should", "would", "will", "may", "might", "i", "you", "we", "me", "my", "your", "our", "say",
  "said", "tell", "between", "vs", "versus", "more", "most", "less", "much", "many", "some", "any", "all",
]);
