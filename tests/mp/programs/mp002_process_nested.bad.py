# expect-output: PicklingError: Can't pickle local object
import multiprocessing


def main():
    def job():
        print("child ran")

    p = multiprocessing.Process(target=job)
    p.start()
    p.join()


if __name__ == "__main__":
    main()
